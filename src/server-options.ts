import { randomUUID } from 'node:crypto';
import { LogController, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/index.js';

/** Paths pino removes from any log object, as a second line of defence: tokens, bodies, PHI-bearing fields. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'access_token',
  '*.access_token',
  'fhirAuthorization',
  '*.fhirAuthorization',
  'prefetch',
  '*.prefetch',
  'context',
  '*.context',
  'body',
  '*.body',
  'patientId',
  '*.patientId',
  'userComment',
  '*.userComment',
  'token',
  '*.token',
];

/**
 * Fastify server options shared by `server.ts` and the tests: limits, timeouts, logger, request ids.
 * (The headers timeout is a Node server property that Fastify does not take here: `server.ts` sets it.)
 */
export function serverOptions(config: Config, overrides: FastifyServerOptions = {}): FastifyServerOptions {
  const timeouts = config.ops.timeouts;
  return {
    bodyLimit: config.bodyLimitBytes,
    // An EHR waits for us: a request whose body has not arrived within this time is dropped, not left hanging.
    requestTimeout: timeouts.requestMs,
    // Above common load-balancer idle timeouts (AWS ALB 60 s) so the balancer closes idle connections first.
    keepAliveTimeout: timeouts.keepAliveMs,
    // The socket inactivity timeout must not cut idle keep-alive connections before keepAliveTimeout does.
    connectionTimeout: timeouts.keepAliveMs + 5_000,
    // On close: idle keep-alive sockets are closed at once; requests arriving on busy ones get 503 + close.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    trustProxy: false,
    logger: {
      level: config.logLevel,
      redact: { paths: redactPaths, censor: '[redacted]' },
      // Requests are logged by our own one-line plugin; keep pino's request serializer to id/method only.
      serializers: {
        req: (req: { id: string; method: string }) => ({ id: req.id, method: req.method }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      ...(config.prettyLogs ? { transport: { target: 'pino-pretty' } } : {}),
    },
    ...overrides,
  };
}
