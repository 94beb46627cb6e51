import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from './config/index.js';
import { systemClock, type Clock } from './clock.js';
import { CdsEvents } from './observability/events.js';
import { createEngine, type CdsEngine } from './clinical/engine.js';
import { loadServiceDefinitions } from './cds-hooks/services.js';
import './plugins/decorations.js';
import corsPlugin from './plugins/cors.js';
import errorsPlugin from './plugins/errors.js';
import requestLogPlugin from './plugins/request-log.js';
import healthPlugin from './plugins/health.js';
import securityPlugin from './plugins/security.js';
import metricsPlugin from './plugins/metrics.js';
import loadSheddingPlugin from './plugins/load-shedding.js';
import openapiPlugin from './plugins/openapi.js';
import feedbackStorePlugin from './plugins/feedback-store.js';
import previewPlugin from './plugins/preview.js';
import discoveryRoutes from './cds-hooks/routes/discovery.js';
import invokeRoutes from './cds-hooks/routes/invoke.js';
import feedbackRoutes from './cds-hooks/routes/feedback.js';

export interface AppOptions {
  config: Config;
  /** Source of "now" for the rules (default: the system clock). */
  clock?: Clock;
  /** The clinical engine (default: built from the configuration and the content in cards/ and valuesets/). */
  engine?: CdsEngine;
}

/**
 * The service as a Fastify plugin: external concerns first (errors, logging, CORS, health, security), then the
 * CDS Hooks routes. `server.ts` wraps it with process concerns; tests register it and call `inject()`.
 */
const app: FastifyPluginAsync<AppOptions> = async (fastify, options) => {
  const { config } = options;
  fastify.decorate('config', config);
  fastify.decorate('clock', options.clock ?? systemClock);
  fastify.decorate('cdsEvents', new CdsEvents());

  // Only JSON is accepted (415 otherwise); application/fhir+json bodies are JSON too.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    ['application/fhir+json', 'application/json+fhir'],
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );

  await fastify.register(errorsPlugin);
  await fastify.register(requestLogPlugin);
  await fastify.register(corsPlugin);
  await fastify.register(openapiPlugin);
  await fastify.register(healthPlugin);
  await fastify.register(metricsPlugin);
  await fastify.register(loadSheddingPlugin);
  await fastify.register(securityPlugin);

  const services = loadServiceDefinitions();
  const engine = options.engine ?? createEngine(config.clinical);

  await fastify.register(feedbackStorePlugin, { engine });
  await fastify.register(previewPlugin, { services, engine });

  await fastify.register(discoveryRoutes, { services });
  await fastify.register(invokeRoutes, { services, engine });
  await fastify.register(feedbackRoutes, { services });
};

export default fp(app, { name: 'cds-app' });
