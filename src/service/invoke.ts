import { HttpProblem } from '../errors.js';
import { draftOrderResources } from '../protocol/draft-order-resources.js';
import { readMedications } from '../protocol/prefetch/medication-reads.js';
import { resolvePrefetch, type KeySource, type ResolvedPrefetch } from '../protocol/prefetch/resolve.js';
import { describeZodError, hookRequestSchemas, type HookRequest } from '../protocol/schemas/request.js';
import { cdsResponseSchema } from '../protocol/schemas/response.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import type { CallerIdentity } from '../protocol/trust.js';
import type { Card, FhirResource } from '../protocol/types.js';
import { unresolvedMedicationReferences } from '../clinical/record/medication-references.js';
import type { CdsEngine } from './engine.js';
import type { FhirAccess } from './fhir-access.js';
import { selectDraftOrders, type ResponseBounded } from './response-bounds.js';

/**
 * One CDS Hooks call, without HTTP: validate the request → resolve prefetch → evaluate the rules and render the
 * cards → check the response. The HTTP route, the demo, the bench and the preview all go through here. Errors a
 * client can act on are HttpProblems (400 invalid request, 412 FHIR data not obtainable, 403 fhirServer refused).
 */
export interface InvokeDeps {
  engine: CdsEngine;
  fhir: FhirAccess;
  now: Date;
  /** Who called (for the fhirServer trust policy). */
  caller?: CallerIdentity;
  /** Check the response against the CDS Hooks 2.0 schema before returning it (on outside production). */
  selfCheck?: boolean;
  /** EHR-specific steps around the rules (src/ehr/); none by default. */
  ehr?: EhrSteps;
  observer?: InvokeObserver;
}

/** The site mapping completes local codes before the rules; the caller's EHR profile reshapes the cards after. */
export interface EhrSteps {
  normalise(resources: FhirResource[]): FhirResource[];
  shape(cards: Card[], caller: CallerIdentity | undefined): Card[];
}

/** Optional taps for the caller's log and metrics; the steps do not depend on them. */
export interface InvokeObserver {
  validated?(request: HookRequest): void;
  prefetchFailed?(error: unknown): void;
  responseInvalid?(issues: string): void;
}

export interface InvokeResult {
  request: HookRequest;
  cards: Card[];
  /** Where each prefetch key came from (given, null, fetched from fhirServer). */
  sources: Record<string, KeySource>;
  /** Prefetch keys whose resource type the FHIR server does not provide (the affected cards say so). */
  unavailableKeys: string[];
  contentVersion: string;
  /** Set when MAX_DRAFT_ORDERS or MAX_CARDS left something out (the ORDER-CHECK-INCOMPLETE card says what). */
  bounded?: ResponseBounded;
}

export async function invokeHook(
  service: ServiceDefinition,
  body: unknown,
  deps: InvokeDeps,
): Promise<InvokeResult> {
  const request = validateHookRequest(service, body);
  deps.observer?.validated?.(request);
  // One deadline for everything this call fetches: the prefetch fallback and the Medication reads.
  let signal: AbortSignal | undefined;
  const deadline = () => (signal ??= AbortSignal.timeout(deps.fhir.deadlineMs));
  let resolved: ResolvedPrefetch;
  try {
    resolved = await resolveRequestPrefetch(service, request, deps.fhir, deps.caller, deadline);
  } catch (err) {
    deps.observer?.prefetchFailed?.(err);
    throw err;
  }
  const { ehr } = deps;
  // MAX_DRAFT_ORDERS before anything is read for the drafts (their Medications from fhirServer).
  const received = draftOrderResources(request.context.draftOrders);
  const selection = selectDraftOrders(
    received,
    request.context.selections,
    deps.engine.bounds?.maxDraftOrders ?? received.length,
  );
  const drafts = selection.drafts;
  const medications = await readUnresolvedMedications(
    unresolvedMedicationReferences(resolved.resources, drafts),
    request,
    deps,
    deadline,
  );
  const normalise = (resources: FhirResource[]) => (ehr ? ehr.normalise(resources) : resources);
  let bounded: ResponseBounded | undefined;
  const rendered = deps.engine.evaluate(
    {
      serviceId: service.id,
      hook: service.hook,
      patientId: request.context.patientId,
      resources: normalise(resolved.resources),
      draftOrders: normalise(drafts),
      ...(medications ? { medications: normalise(medications) } : {}),
      ...(request.context.selections ? { selections: request.context.selections } : {}),
      ...(resolved.unavailable.length > 0
        ? { unavailableData: resolved.unavailable.map((u) => u.resourceType) }
        : {}),
      now: deps.now,
    },
    { draftOrdersReceived: selection.received, onBounded: (b) => (bounded = b) },
  );
  const cards = ehr ? ehr.shape(rendered, deps.caller) : rendered;
  if (deps.selfCheck) checkResponse(cards, deps.observer);
  return {
    request,
    cards,
    sources: resolved.sources,
    unavailableKeys: resolved.unavailable.map((u) => u.key),
    contentVersion: deps.engine.contentVersion,
    ...(bounded ? { bounded } : {}),
  };
}

/**
 * Issue #16 item 1, last step: the Medications the data and the drafts refer to but do not carry, read from
 * fhirServer under the request's deadline and guards. Never fails the call: unread ones keep their display text
 * (a text match, decision 5).
 */
async function readUnresolvedMedications(
  keys: string[],
  request: HookRequest,
  deps: InvokeDeps,
  deadline: () => AbortSignal,
): Promise<FhirResource[] | undefined> {
  const { fhirServer } = request;
  if (keys.length === 0 || !fhirServer) return undefined;
  const { fhir } = deps;
  const started = performance.now();
  const report = (outcome: string) =>
    fhir.onFetch?.({ key: 'medications', durationMs: performance.now() - started, outcome: outcome as 'ok' });
  const base = new URL(fhirServer);
  try {
    await fhir.policy?.check(base, deps.caller);
  } catch {
    report('forbidden-url');
    return undefined;
  }
  const accessToken = request.fhirAuthorization?.access_token;
  const ctx = { base, signal: deadline(), ...(accessToken ? { accessToken } : {}) };
  const read = await readMedications(keys, fhir.client, ctx, await fhir.capabilities(ctx));
  report(read.outcome);
  return read.medications.length > 0 ? read.medications : undefined;
}

/** The request against the hook's zod schema: a 400 naming the offending fields otherwise. */
function validateHookRequest(service: ServiceDefinition, body: unknown): HookRequest {
  const parsed = hookRequestSchemas[service.hook].safeParse(body);
  if (!parsed.success) {
    const { message, expression } = describeZodError(parsed.error);
    throw new HttpProblem(400, message, { expression });
  }
  return parsed.data as HookRequest;
}

function resolveRequestPrefetch(
  service: ServiceDefinition,
  request: HookRequest,
  fhir: FhirAccess,
  caller: CallerIdentity | undefined,
  deadline: () => AbortSignal,
): Promise<ResolvedPrefetch> {
  const { policy } = fhir;
  return resolvePrefetch(
    {
      templates: service.prefetch,
      prefetch: request.prefetch,
      context: request.context,
      ...(request.fhirServer ? { fhirServer: request.fhirServer } : {}),
      ...(request.fhirAuthorization ? { accessToken: request.fhirAuthorization.access_token } : {}),
      supplementaryKeys: service.supplementaryPrefetch,
    },
    {
      client: fhir.client,
      deadlineMs: fhir.deadlineMs,
      pageSize: fhir.pageSize,
      capabilities: fhir.capabilities,
      deadline,
      ...(fhir.onFetch ? { onFetch: fhir.onFetch } : {}),
      ...(policy ? { checkFhirServer: (url: URL) => policy.check(url, caller) } : {}),
    },
  );
}

/** Outside production every response is checked against the CDS Hooks 2.0 schema: a failure is our bug (500). */
function checkResponse(cards: Card[], observer: InvokeObserver | undefined): void {
  const check = cdsResponseSchema.safeParse({ cards });
  if (check.success) return;
  observer?.responseInvalid?.(describeZodError(check.error).message);
  throw new Error('response failed the CDS Hooks 2.0 schema');
}

/** The prefetch keys that had to be read from fhirServer (undefined when none). */
export function fetchedKeys(sources: Record<string, KeySource>): string[] | undefined {
  let keys: string[] | undefined;
  for (const key in sources) if (sources[key] === 'fetched') (keys ??= []).push(key);
  return keys;
}
