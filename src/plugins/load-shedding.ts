import fp from 'fastify-plugin';

/** Load shedding under event-loop or memory pressure (filled in by the operations work). */
export default fp(async () => undefined, { name: 'load-shedding' });
