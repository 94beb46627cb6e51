import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import { errorBody } from '../../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `'exempt'`: the route answers even under pressure (health probes, metrics). */
    loadShedding?: 'exempt';
  }
}

/**
 * Load shedding: when the event loop lags or memory runs high, answer 503 with `Retry-After` at once rather
 * than slowing every request down until the EHR's own timeout fires. Health probes and /metrics are exempt so
 * operators can still see what is happening. /readyz reports the pressure so a load balancer can route away.
 */
export default fp(
  async (app) => {
    const options = app.config.ops.loadShedding;
    if (!options.enabled) return;
    const retryAfter = String(options.retryAfterSeconds);

    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      maxEventLoopUtilization: options.maxEventLoopUtilization,
      maxHeapUsedBytes: options.maxHeapUsedBytes,
      maxRssBytes: options.maxRssBytes,
      sampleInterval: options.sampleIntervalMs,
      retryAfter: options.retryAfterSeconds,
      pressureHandler: (request, reply, type) => {
        if (request.routeOptions.config.loadShedding === 'exempt') return undefined;
        app.cdsEvents.emit('load.shed', { reason: type });
        // Fastify runs no further hooks once a reply is sent, so the request stops here.
        void reply
          .code(503)
          .header('Retry-After', retryAfter)
          .send(errorBody(503, 'The service is overloaded; retry later'));
        return undefined;
      },
    });

    app.readiness.checks.set('load', () => !app.isUnderPressure());
  },
  { name: 'load-shedding', dependencies: ['health'] },
);
