import { randomUUID } from 'node:crypto';
import { LogController, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/index.js';
import { createLogger, type LoggerTarget } from './observability/logger.js';

/**
 * Fastify server options shared by `server.ts`, the demo, the bench and the tests: limits, timeouts, the logger
 * (src/observability/logger.ts, with its redaction), request ids. `log` says where the log lines go (tests capture
 * them). (The headers timeout is a Node server property that Fastify does not take here: `server.ts` sets it.)
 */
export function serverOptions(config: Config, log: LoggerTarget = {}): FastifyServerOptions {
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
    loggerInstance: createLogger(config, log),
  };
}
