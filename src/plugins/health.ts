import fp from 'fastify-plugin';

/**
 * Liveness (`/healthz`: the process answers) and readiness (`/readyz`: configuration loaded, rule content
 * compiled, every registered store reachable, and not shutting down). Other plugins add readiness checks.
 */
export default fp(
  async (app) => {
    app.decorate('readiness', { checks: new Map(), shuttingDown: false });

    app.get(
      '/healthz',
      { schema: { hide: true, response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
      async () => ({ status: 'ok' }),
    );

    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      if (app.readiness.shuttingDown) {
        return reply.code(503).header('Retry-After', '5').send({ status: 'shutting-down' });
      }
      const checks: Record<string, 'ok' | 'failing'> = {};
      await Promise.all(
        [...app.readiness.checks].map(async ([name, check]) => {
          let ok = false;
          try {
            ok = await check();
          } catch {
            ok = false;
          }
          checks[name] = ok ? 'ok' : 'failing';
        }),
      );
      const ready = Object.values(checks).every((c) => c === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
    });
  },
  { name: 'health' },
);
