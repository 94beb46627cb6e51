import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * The baseline: the same Fastify version, the same logger level and the same request (the body is received and
 * parsed as JSON), answering with a response body captured from the real service and served as a pre-built
 * string. The service cannot be faster than this on the same machine; the bench reports ratios to it.
 *
 * Run as its own process: BASELINE_PORT, BASELINE_BODIES (a JSON file: scenario name → response text, growing
 * while the bench runs),
 * BASELINE_BODY_LIMIT, LOG_LEVEL.
 */
// Bodies are captured size by size while the bench runs: an unknown scenario re-reads the file once.
const bodies = new Map<string, string>();
function bodyOf(scenario: string): string | undefined {
  if (!bodies.has(scenario)) {
    const file = JSON.parse(readFileSync(process.env.BASELINE_BODIES!, 'utf8')) as Record<string, string>;
    for (const [name, body] of Object.entries(file)) bodies.set(name, body);
  }
  return bodies.get(scenario);
}

const app = Fastify({
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
  disableRequestLogging: true,
  bodyLimit: Number(process.env.BASELINE_BODY_LIMIT ?? 1_048_576),
});

// One log line per request, as the service writes.
app.addHook('onResponse', async (request, reply) => {
  request.log.info(
    {
      method: request.method,
      route: request.routeOptions.url,
      status: reply.statusCode,
      ms: reply.elapsedTime,
    },
    'request completed',
  );
});

app.get('/readyz', async () => ({ status: 'ready' }));

app.post<{ Params: { scenario: string } }>('/static/:scenario', async (request, reply) => {
  const body = bodyOf(request.params.scenario);
  if (body === undefined) return reply.code(404).send({ error: 'unknown scenario' });
  return reply.header('content-type', 'application/json; charset=utf-8').send(body);
});

await app.listen({ port: Number(process.env.BASELINE_PORT), host: '127.0.0.1' });
