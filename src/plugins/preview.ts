import fp from 'fastify-plugin';

/** Card preview page for developers (filled in by the developer-experience work). */
export default fp(async () => undefined, { name: 'preview' });
