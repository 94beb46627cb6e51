import { readFileSync } from 'node:fs';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import { projectPath } from '../../paths.js';

interface PackageInfo {
  name: string;
  version: string;
  description?: string;
}

/**
 * The OpenAPI document, generated from the route schemas (this plugin is registered before the routes so it
 * sees every one of them), served at `GET /openapi.json`; with OPENAPI_UI on (the default outside production), Swagger UI at `/docs`, loaded only then.
 */
export default fp(
  async (app) => {
    const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as PackageInfo;
    const { publicBaseUrl } = app.config;

    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Osteoporosis CDS Hooks service',
          version: pkg.version,
          description: `${pkg.description ?? pkg.name}. CDS Hooks 2.0: https://cds-hooks.hl7.org/2.0/`,
        },
        ...(publicBaseUrl ? { servers: [{ url: publicBaseUrl }] } : {}),
        tags: [
          { name: 'cds-hooks', description: 'CDS Hooks 2.0 discovery, service invocation and feedback' },
          { name: 'operations', description: 'Health probes and metrics' },
          { name: 'analytics', description: 'Card acceptance and override analytics (admin token)' },
        ],
        components: {
          securitySchemes: {
            metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
            adminToken: { type: 'http', scheme: 'bearer', description: 'ANALYTICS_ADMIN_TOKEN' },
          },
        },
      },
    });

    app.get('/openapi.json', { schema: { hide: true }, config: { loadShedding: 'exempt' } }, async () =>
      app.swagger(),
    );

    if (app.config.ops.openapiUi) {
      const { default: swaggerUi } = await import('@fastify/swagger-ui');
      await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
    }
  },
  { name: 'openapi' },
);
