import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../errors.js';
import type { CdsEngine } from '../clinical/evaluator.js';
import { draftOrderResources } from '../protocol/draft-order-resources.js';
import { FhirClient } from '../protocol/fhir-client.js';
import { CapabilityCache, capabilityLookup } from '../protocol/prefetch/capabilities.js';
import { readMedications } from '../protocol/prefetch/medication-reads.js';
import { resolvePrefetch, type FetchObserver } from '../protocol/prefetch/resolve.js';
import { unresolvedMedicationReferences } from '../clinical/record/medication-references.js';
import type { CallerIdentity } from '../plugins/decorations.js';
import type { FhirResource } from '../protocol/types.js';
import { describeZodError, hookRequestSchemas, type HookRequest } from '../protocol/schemas/request.js';
import { cdsResponseJsonSchema, cdsResponseSchema, errorJsonSchema } from '../protocol/schemas/response.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import type { EhrAdapter } from '../ehr/adapter.js';

/**
 * `POST /cds-services/{id}`: validate → resolve prefetch → evaluate the rules → respond. The handler only wires
 * the steps together; each step lives in its own module.
 */
const invokeRoutes: FastifyPluginAsync<{
  services: ServiceDefinition[];
  engine: CdsEngine;
  ehr: EhrAdapter;
}> = async (app, { services, engine, ehr }) => {
  const byId = new Map(services.map((s) => [s.id, s]));
  const policy = app.fhirServerPolicy;
  const client = new FhirClient({
    maxPages: app.config.fhir.maxPages,
    maxResponseBytes: app.config.fhir.maxResponseBytes,
    ...(policy.getDispatcher ? { getDispatcher: () => policy.getDispatcher!() } : {}),
    ...(policy.checkUrl ? { checkUrl: (url: URL) => policy.checkUrl!(url) } : {}),
  });
  // Outside production every response is checked against the CDS Hooks 2.0 schema before it is sent.
  const selfCheck = !app.config.isProduction;
  // Built once, not per request.
  const onFetch: FetchObserver = (e) => app.cdsEvents.emit('fhir.fetch', e);
  const deadlineMs = app.config.fhir.deadlineMs;
  // One statement per FHIR server for the TTL; a slow /metadata may use at most half of a request's deadline.
  const capabilities = capabilityLookup(
    client,
    new CapabilityCache({ ttlMs: app.config.fhir.capabilityTtlMs }),
    Math.ceil(deadlineMs / 2),
  );

  /**
   * Issue #16 item 1, last step: the Medications the data and the drafts refer to but do not carry, read from
   * fhirServer under the request's deadline and guards. Never fails the call: unread ones keep their display text.
   */
  async function readUnresolvedMedications(
    keys: string[],
    fhirServer: string | undefined,
    accessToken: string | undefined,
    caller: CallerIdentity | undefined,
    deadline: () => AbortSignal,
  ): Promise<FhirResource[] | undefined> {
    if (keys.length === 0 || !fhirServer) return undefined;
    const started = performance.now();
    const report = (outcome: string) =>
      onFetch({ key: 'medications', durationMs: performance.now() - started, outcome: outcome as 'ok' });
    const base = new URL(fhirServer);
    try {
      await policy.check(base, caller);
    } catch {
      report('forbidden-url');
      return undefined;
    }
    const ctx = { base, signal: deadline(), ...(accessToken ? { accessToken } : {}) };
    const read = await readMedications(keys, client, ctx, await capabilities(ctx));
    report(read.outcome);
    return read.medications.length > 0 ? read.medications : undefined;
  }

  app.post<{ Params: { id: string } }>(
    '/cds-services/:id',
    {
      schema: {
        summary: 'Invoke a CDS service',
        tags: ['cds-hooks'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        body: { type: 'object', additionalProperties: true, description: 'CDS Hooks 2.0 request' },
        response: { 200: cdsResponseJsonSchema, '4xx': errorJsonSchema, '5xx': errorJsonSchema },
      },
      // Validation is done with zod below, which names the offending field in its message.
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
      request.logFields.serviceId = service.id;

      const parsed = hookRequestSchemas[service.hook].safeParse(request.body);
      if (!parsed.success) {
        const { message, expression } = describeZodError(parsed.error);
        throw new HttpProblem(400, message, { expression });
      }
      const body = parsed.data as HookRequest;
      request.logFields.hookInstance = body.hookInstance;

      // One deadline for everything this call fetches: the prefetch fallback and the Medication reads.
      let signal: AbortSignal | undefined;
      const deadline = () => (signal ??= AbortSignal.timeout(deadlineMs));
      let resolved;
      try {
        resolved = await resolvePrefetch(
          {
            templates: service.prefetch,
            prefetch: body.prefetch,
            context: body.context,
            ...(body.fhirServer ? { fhirServer: body.fhirServer } : {}),
            ...(body.fhirAuthorization ? { accessToken: body.fhirAuthorization.access_token } : {}),
          },
          {
            client,
            deadlineMs,
            onFetch,
            capabilities,
            deadline,
            checkFhirServer: (url) => policy.check(url, request.caller),
          },
        );
      } catch (err) {
        app.cdsEvents.emit('hook.failed', {
          serviceId: service.id,
          hook: service.hook,
          statusCode: err instanceof HttpProblem ? err.statusCode : 500,
          durationMs: performance.now() - started,
        });
        throw err;
      }
      let fetchedKeys: string[] | undefined;
      for (const key in resolved.sources) {
        if (resolved.sources[key] === 'fetched') (fetchedKeys ??= []).push(key);
      }
      if (fetchedKeys !== undefined) request.logFields.fetchedKeys = fetchedKeys;
      if (resolved.unavailable.length > 0)
        request.logFields.unavailableKeys = resolved.unavailable.map((u) => u.key);

      const draftOrders = draftOrderResources(body.context.draftOrders);
      const medications = await readUnresolvedMedications(
        unresolvedMedicationReferences(resolved.resources, draftOrders),
        body.fhirServer,
        body.fhirAuthorization?.access_token,
        request.caller,
        deadline,
      );

      // The site mapping completes local codes before the rules; the caller's EHR profile reshapes the cards after.
      const rendered = engine.evaluate({
        serviceId: service.id,
        hook: service.hook,
        patientId: body.context.patientId,
        resources: ehr.normalise(resolved.resources),
        draftOrders: ehr.normalise(draftOrders),
        ...(medications ? { medications: ehr.normalise(medications) } : {}),
        ...(body.context.selections ? { selections: body.context.selections } : {}),
        ...(resolved.unavailable.length > 0
          ? { unavailableData: resolved.unavailable.map((u) => u.resourceType) }
          : {}),
        now: app.clock(),
      });
      const cards = ehr.shape(rendered, ehr.profileFor(request.caller?.issuer));
      const response = { cards };
      if (selfCheck) {
        const check = cdsResponseSchema.safeParse(response);
        if (!check.success) {
          request.log.error(
            { issues: describeZodError(check.error).message },
            'response fails CDS Hooks schema',
          );
          throw new Error('response failed the CDS Hooks 2.0 schema');
        }
      }
      request.logFields.cards = cards.length;
      app.cdsEvents.emit('hook.completed', {
        serviceId: service.id,
        hook: service.hook,
        hookInstance: body.hookInstance,
        statusCode: 200,
        durationMs: performance.now() - started,
        cards,
        prefetchSources: resolved.sources,
        patientId: body.context.patientId,
        contentVersion: engine.contentVersion,
        ...(request.caller?.issuer ? { issuer: request.caller.issuer } : {}),
        ...(request.caller?.tenant ? { tenant: request.caller.tenant } : {}),
      });
      return response;
    },
  );
};

export default invokeRoutes;
