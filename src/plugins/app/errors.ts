import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, HttpProblem } from '../../errors.js';

/**
 * Every error leaves as JSON (an OperationOutcome-style body with a readable message):
 * - HttpProblem → its status and message;
 * - Fastify's own client errors (bad JSON 400, body too large 413, wrong content type 415, timeouts) keep
 *   their status and message;
 * - anything else is a 500 with no detail (logged with its stack, never with the request body).
 * Unknown routes are 404, and a known path with the wrong method is 405 with an `Allow` header.
 */

interface KnownRoute {
  pattern: RegExp;
  methods: Set<string>;
}

export default fp(
  async (app) => {
    const routes: KnownRoute[] = [];
    app.addHook('onRoute', (route) => {
      if (route.url === '*' || route.url.includes('*')) return;
      const pattern = new RegExp('^' + route.url.replace(/:[^/]+/g, '[^/]+') + '/?$');
      let known = routes.find((r) => r.pattern.source === pattern.source);
      if (!known) routes.push((known = { pattern, methods: new Set() }));
      for (const m of [route.method].flat()) known.methods.add(m);
    });

    const notFound = (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0] ?? '';
      const known = routes.find((r) => r.pattern.test(path));
      if (known && !known.methods.has(request.method)) {
        const allow = [...known.methods].filter((m) => m !== 'HEAD').join(', ');
        return reply
          .code(405)
          .header('Allow', allow)
          .send(errorBody(405, `Method ${request.method} is not allowed here; use ${allow}`));
      }
      return reply.code(404).send(errorBody(404, `No route ${request.method} ${truncate(path, 200)}`));
    };
    app.setNotFoundHandler(notFound);

    app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
      // A body-parsing error on an unknown route or method: the route problem is the one to report.
      if (request.routeOptions.url === undefined && !(error instanceof HttpProblem))
        return notFound(request, reply);
      if (error instanceof HttpProblem) {
        if (error.options.headers) reply.headers(error.options.headers);
        return reply.code(error.statusCode).send(
          errorBody(error.statusCode, error.message, {
            ...(error.options.issueCode ? { issueCode: error.options.issueCode } : {}),
            ...(error.options.expression ? { expression: error.options.expression } : {}),
            ...(error.options.details ? { details: error.options.details } : {}),
          }),
        );
      }
      const status = clientStatus(error);
      if (status !== undefined) {
        if (status === 503 || status === 429)
          reply.header('Retry-After', reply.getHeader('retry-after') ?? '5');
        return reply.code(status).send(errorBody(status, clientMessage(error, status)));
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send(errorBody(500, 'Internal error; the request was not processed'));
    });
  },
  { name: 'errors' },
);

function clientStatus(error: FastifyError): number | undefined {
  if (error.validation) return 400;
  if (error instanceof SyntaxError) return 400;
  const s = error.statusCode;
  return typeof s === 'number' && s >= 400 && s < 500 ? s : s === 503 ? 503 : undefined;
}

function clientMessage(error: FastifyError, status: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type; send application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is larger than the limit';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Request body is empty; send a JSON object';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Content-Length does not match the body';
    default:
      if (status === 400 && (error instanceof SyntaxError || /JSON/i.test(error.message))) {
        return 'Malformed JSON in request body';
      }
      return truncate(error.message, 300);
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
