import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../errors.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import type { CallerIdentity } from '../protocol/trust.js';
import { fetchedKeys, type InvokeObserver, type InvokeResult } from '../service/invoke.js';

/** The caller's issuer and tenant as event fields, present only when known. */
export function callerFields(caller: CallerIdentity | undefined): { issuer?: string; tenant?: string } {
  return {
    ...(caller?.issuer ? { issuer: caller.issuer } : {}),
    ...(caller?.tenant ? { tenant: caller.tenant } : {}),
  };
}

export interface HookCallReport {
  /** The taps handed to `invokeHook`: hookInstance to the log line, a failed prefetch to `hook.failed`. */
  observer: InvokeObserver;
  /** The log line's CDS facts and the `hook.completed` event (metrics, card log). */
  completed(result: InvokeResult): void;
}

/**
 * What one hook call tells the request's log line and the events, so the route only maps HTTP to `invokeHook`.
 * Started when the service is known; durations run from there.
 */
export function reportHookCall(
  app: FastifyInstance,
  request: FastifyRequest,
  service: ServiceDefinition,
): HookCallReport {
  const started = performance.now();
  const log = request.logFields;
  log.serviceId = service.id;
  const failed = (statusCode: number) =>
    app.cdsEvents.emit('hook.failed', {
      serviceId: service.id,
      hook: service.hook,
      statusCode,
      durationMs: performance.now() - started,
    });
  return {
    observer: {
      validated: (body) => (log.hookInstance = body.hookInstance),
      prefetchFailed: (err) => failed(err instanceof HttpProblem ? err.statusCode : 500),
      responseInvalid: (issues) => request.log.error({ issues }, 'response fails CDS Hooks schema'),
    },
    completed(result) {
      const fetched = fetchedKeys(result.sources);
      if (fetched !== undefined) log.fetchedKeys = fetched;
      if (result.unavailableKeys.length > 0) log.unavailableKeys = result.unavailableKeys;
      log.cards = result.cards.length;
      if (result.bounded) log.bounded = result.bounded;
      app.cdsEvents.emit('hook.completed', {
        serviceId: service.id,
        hook: service.hook,
        hookInstance: result.request.hookInstance,
        statusCode: 200,
        durationMs: performance.now() - started,
        cards: result.cards,
        prefetchSources: result.sources,
        patientId: result.request.context.patientId,
        contentVersion: result.contentVersion,
        ...callerFields(request.caller),
      });
    },
  };
}

/**
 * A chart too big for BODY_LIMIT_BYTES gets 413 before the handler runs, and the EHR shows nothing: say so in a log
 * line and in the hook failure metric, both naming the service (issue #16 item 6). An `onError` route hook.
 */
export function reportBodyTooLarge(
  app: FastifyInstance,
  findService: (id: string) => ServiceDefinition | undefined,
) {
  return async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, error: Error) => {
    if ((error as { code?: string }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
    const service = findService(request.params.id);
    if (service) request.logFields.serviceId = service.id;
    const declared = Number(request.headers['content-length']);
    request.log.warn(
      {
        serviceId: service?.id ?? 'unknown',
        hook: service?.hook ?? 'unknown',
        bodyLimitBytes: app.config.bodyLimitBytes,
        ...(Number.isFinite(declared) ? { contentLength: declared } : {}),
      },
      'hook request body larger than BODY_LIMIT_BYTES: answered 413',
    );
    if (service)
      app.cdsEvents.emit('hook.failed', {
        serviceId: service.id,
        hook: service.hook,
        statusCode: 413,
        durationMs: reply.elapsedTime,
      });
  };
}
