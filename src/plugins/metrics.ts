import fp from 'fastify-plugin';

/** Prometheus metrics at /metrics (filled in by the operations work). */
export default fp(async () => undefined, { name: 'metrics' });
