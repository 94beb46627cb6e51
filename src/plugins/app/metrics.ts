import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { HttpProblem } from '../../errors.js';
import { problemJsonSchema } from '../../protocol/schemas/json-schemas.js';
import { createCdsMetrics } from '../../observability/metrics.js';
import { recordCdsEvents } from '../../observability/metrics-listeners.js';

/**
 * Prometheus metrics at `GET /metrics`: HTTP latency per route, and the CDS facts reported on `app.cdsEvents`
 * (hook latency per service, cards by catalogue id and indicator, prefetch sources, FHIR fetches, 412s, auth
 * failures, feedback, store writes, load shedding), plus prom-client's default process metrics.
 * With METRICS_TOKEN set the endpoint asks for `Authorization: Bearer <token>`.
 */
export default fp(
  async (app) => {
    const { enabled, token } = app.config.ops.metrics;
    if (!enabled) return;

    const metrics = createCdsMetrics();
    recordCdsEvents(app.cdsEvents, metrics);

    app.addHook('onResponse', async (request, reply) => {
      metrics.httpRequestDuration.observe(
        {
          method: request.method,
          // The route pattern, never the raw URL: unknown paths all count as one series.
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    const expected = token ? digest(token) : undefined;
    app.get(
      '/metrics',
      {
        schema: {
          summary: 'Prometheus metrics (text exposition format)',
          tags: ['operations'],
          produces: ['text/plain'],
          ...(token
            ? {
                security: [{ metricsToken: [] }],
                response: { 401: { description: 'Missing or wrong bearer token', ...problemJsonSchema } },
              }
            : {}),
        },
        config: { loadShedding: 'exempt' },
      },
      async (request, reply) => {
        if (expected && !bearerMatches(request.headers.authorization, expected)) {
          throw new HttpProblem(401, 'A valid bearer token is required for /metrics', {
            headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
          });
        }
        return reply
          .header('content-type', metrics.register.contentType)
          .send(await metrics.register.metrics());
      },
    );
  },
  { name: 'metrics' },
);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of the presented bearer token (hashed first so lengths always match). */
function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}
