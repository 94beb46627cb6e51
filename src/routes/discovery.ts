import type { FastifyPluginAsync } from 'fastify';
import { discoveryResponseJsonSchema, problemJsonSchema } from '../protocol/schemas/json-schemas.js';
import { discoveryDocument, type ServiceDefinition } from '../protocol/service-definitions.js';

/** `GET /cds-services`: the discovery document, built once from `hooks/`. */
const discoveryRoutes: FastifyPluginAsync<{ services: ServiceDefinition[] }> = async (app, { services }) => {
  const document = discoveryDocument(services);
  app.get(
    '/cds-services',
    {
      schema: {
        summary: 'CDS Hooks discovery',
        tags: ['cds-hooks'],
        response: { 200: discoveryResponseJsonSchema, '4xx': problemJsonSchema },
      },
    },
    async () => document,
  );
};

export default discoveryRoutes;
