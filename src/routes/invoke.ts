import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../errors.js';
import {
  cdsResponseJsonSchema,
  hookRequestJsonSchema,
  problemJsonSchema,
} from '../protocol/schemas/json-schemas.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import type { EhrAdapter } from '../ehr/adapter.js';
import type { CdsEngine } from '../service/engine.js';
import { createFhirAccess } from '../service/fhir-access.js';
import { fetchedKeys, invokeHook, type EhrSteps } from '../service/invoke.js';

const routeSchema = {
  summary: 'Invoke a CDS service',
  tags: ['cds-hooks'],
  params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
  body: hookRequestJsonSchema,
  response: { 200: cdsResponseJsonSchema, '4xx': problemJsonSchema, '5xx': problemJsonSchema },
};

/**
 * `POST /cds-services/{id}`: HTTP around `invokeHook` (src/service/invoke.ts): find the service, hand over the
 * body, the caller and the clock, and report the outcome to the log line and the events (metrics, card log).
 */
const invokeRoutes: FastifyPluginAsync<{
  services: ServiceDefinition[];
  engine: CdsEngine;
  ehr: EhrAdapter;
}> = async (app, { services, engine, ehr }) => {
  const byId = new Map(services.map((s) => [s.id, s]));
  const fhir = createFhirAccess(app.config.fhir, {
    policy: app.fhirServerPolicy,
    onFetch: (e) => app.cdsEvents.emit('fhir.fetch', e),
  });
  const selfCheck = !app.config.isProduction;
  const ehrSteps: EhrSteps = {
    normalise: ehr.normalise,
    shape: (cards, caller) => ehr.shape(cards, ehr.profileFor(caller?.issuer)),
  };

  // Validation is done by the service layer with zod, which names the offending field in its message.
  app.post<{ Params: { id: string } }>(
    '/cds-services/:id',
    {
      schema: routeSchema,
      validatorCompiler: () => () => true,
      // A chart too big for BODY_LIMIT_BYTES gets 413 before the handler runs, and the EHR shows nothing: say so in
      // a log line and in the hook failure metric, both naming the service (issue #16 item 6).
      onError: async (request, reply, error) => {
        if ((error as { code?: string }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
        const service = byId.get(request.params.id);
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
      },
    },
    async (request) => {
      const started = performance.now();
      const service = byId.get(request.params.id);
      if (!service) throw new HttpProblem(404, `Unknown CDS service "${request.params.id.slice(0, 64)}"`);
      const log = request.logFields;
      log.serviceId = service.id;
      const { caller } = request;
      const result = await invokeHook(service, request.body, {
        engine,
        fhir,
        now: app.clock(),
        selfCheck,
        ehr: ehrSteps,
        ...(caller ? { caller } : {}),
        observer: {
          validated: (body) => (log.hookInstance = body.hookInstance),
          prefetchFailed: (err) =>
            app.cdsEvents.emit('hook.failed', {
              serviceId: service.id,
              hook: service.hook,
              statusCode: err instanceof HttpProblem ? err.statusCode : 500,
              durationMs: performance.now() - started,
            }),
          responseInvalid: (issues) => request.log.error({ issues }, 'response fails CDS Hooks schema'),
        },
      });
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
        ...(caller?.issuer ? { issuer: caller.issuer } : {}),
        ...(caller?.tenant ? { tenant: caller.tenant } : {}),
      });
      return { cards: result.cards };
    },
  );
};

export default invokeRoutes;
