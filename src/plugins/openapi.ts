import fp from 'fastify-plugin';

/** OpenAPI document generated from the route schemas (filled in by the operations work). */
export default fp(async () => undefined, { name: 'openapi' });
