import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Readiness checks by name; /readyz answers 503 if any fails or shutdown has begun. */
    readiness: {
      checks: Map<string, () => boolean | Promise<boolean>>;
      shuttingDown: boolean;
      /** When shutdown began with a deadline: the epoch ms by which onClose work must be done. */
      shutdownDeadline?: number;
    };
  }
}

/**
 * Liveness (`/healthz`: the process answers) and readiness (`/readyz`: configuration loaded, rule content
 * compiled, every registered store reachable, not overloaded, and not shutting down). Other plugins add
 * readiness checks. Both are exempt from load shedding: a probe must see the truth, not a shed 503.
 */
export default fp(
  async (app) => {
    app.decorate('readiness', { checks: new Map(), shuttingDown: false });

    // While shutting down, every response (in-flight ones included) asks the client to close its connection:
    // otherwise a keep-alive socket that was busy when shutdown began would stay open and hold the exit back.
    app.addHook('onSend', async (_request, reply) => {
      if (app.readiness.shuttingDown) reply.header('connection', 'close');
    });

    app.get(
      '/healthz',
      {
        schema: {
          summary: 'Liveness: the process answers',
          tags: ['operations'],
          response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
        },
        config: { loadShedding: 'exempt' },
      },
      async () => ({ status: 'ok' }),
    );

    const readinessBody = {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ready', 'not-ready', 'shutting-down'] },
        checks: { type: 'object', additionalProperties: { type: 'string', enum: ['ok', 'failing'] } },
      },
    };
    const readyzSchema = {
      summary: 'Readiness: able to serve (checks pass, not overloaded, not shutting down)',
      tags: ['operations'],
      response: { 200: readinessBody, 503: readinessBody },
    };
    app.get(
      '/readyz',
      { schema: readyzSchema, config: { loadShedding: 'exempt' } },
      async (_request, reply) => {
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
      },
    );
  },
  { name: 'health' },
);
