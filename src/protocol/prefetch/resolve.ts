import { HttpProblem } from '../../errors.js';
import { FhirClient, FhirFetchError, isResource, type FhirCallContext } from '../fhir-client.js';
import type { FhirResource } from '../types.js';
import { resolveBundleReferences } from '../bundle-references.js';
import { UNKNOWN_CAPABILITIES, type ServerCapabilities } from './capabilities.js';
import { fetchWithCapabilities } from './fallback-query.js';
import { expandTemplate } from './templates.js';

/**
 * Prefetch resolution, key by key (CDS Hooks 2.0 §Prefetch):
 * - a resource or a searchset Bundle is used (a Bundle with a `next` link is completed from fhirServer);
 * - `null` means "the EHR has no data" → an empty result, nothing fetched;
 * - a missing key, an OperationOutcome, or a value that is not a FHIR resource means "not provided" → fetched
 *   from fhirServer; every such key is fetched in parallel under one deadline;
 * - fetching is capability-aware (fallback-query.ts): a key whose resource type or parameters the server does not
 *   support is `unavailable` — no data from this server, listed so that the cards can say so — never a 412;
 * - a `supplementary` key (it only adds evidence to the others) that is not provided while there is no fhirServer
 *   is `unavailable` too: a client that built its prefetch from an older discovery document still gets cards,
 *   which name the missing data;
 * - anything else that cannot be had (no fhirServer, FHIR error, timeout, caps) → 412 naming the keys.
 */

export type KeySource = 'prefetch' | 'null' | 'fetched' | 'unavailable';

/** A prefetch key the FHIR server could not provide because it does not support that kind of data. */
export interface UnavailableSource {
  key: string;
  /** The template's (R4) resource type, e.g. `MedicationStatement`. */
  resourceType: string;
}

export interface ResolvedPrefetch {
  resources: FhirResource[];
  sources: Record<string, KeySource>;
  /** Keys the server does not support (empty when none). */
  unavailable: UnavailableSource[];
}

export interface FetchObserver {
  (event: {
    key: string;
    durationMs: number;
    outcome: 'ok' | 'unavailable' | FhirFetchError['reason'];
    status?: number;
  }): void;
}

export interface ResolveInput {
  templates: Record<string, string>;
  prefetch: Record<string, unknown> | null | undefined;
  context: Record<string, unknown>;
  fhirServer?: string;
  accessToken?: string;
  /** Keys that only add evidence (ServiceDefinition.supplementaryPrefetch). */
  supplementaryKeys?: readonly string[];
}

export interface ResolveOptions {
  client: FhirClient;
  deadlineMs: number;
  onFetch?: FetchObserver;
  /** Called before any outbound call: may refuse the fhirServer (trust and SSRF policy). */
  checkFhirServer?: (fhirServer: URL) => void | Promise<void>;
  /** The server's capabilities (cached per server); without it every query is sent as written. */
  capabilities?: (ctx: FhirCallContext) => Promise<ServerCapabilities>;
  /** `_count` added to each fallback search (query-plan.ts); 0 or unset: none. */
  pageSize?: number;
  /** The request's one deadline for everything it fetches (shared with the Medication reads); else from `deadlineMs`. */
  deadline?: () => AbortSignal;
}

type KeyPlan =
  | { key: string; kind: 'given'; resources: FhirResource[]; next?: string }
  | { key: string; kind: 'null' }
  | { key: string; kind: 'fetch'; why: 'missing' | 'operation-outcome' | 'not-a-resource' };

function planKey(key: string, value: unknown, provided: boolean): KeyPlan {
  if (!provided) return { key, kind: 'fetch', why: 'missing' };
  if (value === null) return { key, kind: 'null' };
  // Pre-1.0 clients wrapped values as {response, resource}: unwrap when the meaning is clear.
  if (isWrapped(value)) value = value.resource;
  if (!isResource(value)) return { key, kind: 'fetch', why: 'not-a-resource' };
  if (value.resourceType === 'OperationOutcome') return { key, kind: 'fetch', why: 'operation-outcome' };
  if (value.resourceType !== 'Bundle') return { key, kind: 'given', resources: [value] };
  const resources = bundleResources(value);
  const next = Array.isArray(value.link)
    ? (value.link as { relation?: unknown; url?: unknown }[]).find((l) => l?.relation === 'next')?.url
    : undefined;
  return { key, kind: 'given', resources, ...(typeof next === 'string' ? { next } : {}) };
}

function isWrapped(value: unknown): value is { resource: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !('resourceType' in value) &&
    'resource' in value &&
    isResource((value as { resource: unknown }).resource)
  );
}

/** A Bundle's resources (OperationOutcome entries apart), its `urn:uuid:` references resolved within it. */
function bundleResources(bundle: FhirResource): FhirResource[] {
  const out: { fullUrl?: unknown; resource: FhirResource }[] = [];
  if (!Array.isArray(bundle.entry)) return [];
  for (const entry of bundle.entry as unknown[]) {
    const e = entry as { resource?: unknown; fullUrl?: unknown } | null;
    const resource = e?.resource;
    if (isResource(resource) && resource.resourceType !== 'OperationOutcome')
      out.push({ fullUrl: e!.fullUrl, resource });
  }
  return resolveBundleReferences(out);
}

export async function resolvePrefetch(
  input: ResolveInput,
  options: ResolveOptions,
): Promise<ResolvedPrefetch> {
  const given = input.prefetch ?? {};
  const plans = Object.keys(input.templates).map((key) =>
    planKey(key, given[key], Object.hasOwn(given, key)),
  );
  const needsServer = plans.filter((p) => p.kind === 'fetch' || (p.kind === 'given' && p.next));

  const sources: Record<string, KeySource> = {};
  const resources: FhirResource[] = [];
  for (const p of plans) {
    if (p.kind === 'null') sources[p.key] = 'null';
    if (p.kind === 'given' && !p.next) {
      sources[p.key] = 'prefetch';
      resources.push(...p.resources);
    }
  }
  const unavailable: UnavailableSource[] = [];
  if (!input.fhirServer) {
    // Without a server, a supplementary key that was not provided is no data; any other key is a 412.
    const supplementary = new Set(input.supplementaryKeys);
    for (let i = needsServer.length - 1; i >= 0; i--) {
      const p = needsServer[i]!;
      if (p.kind !== 'fetch' || !supplementary.has(p.key)) continue;
      sources[p.key] = 'unavailable';
      unavailable.unshift({ key: p.key, resourceType: templateType(input.templates[p.key]!) });
      needsServer.splice(i, 1);
    }
  }
  if (needsServer.length === 0) return { resources: dedupe(resources), sources, unavailable };

  const keys = needsServer.map((p) => p.key);
  if (!input.fhirServer) {
    throw new HttpProblem(
      412,
      `Prefetch data missing for ${keys.join(', ')} and no fhirServer to fetch it from`,
      {
        details: { missingPrefetch: keys },
      },
    );
  }
  const base = new URL(input.fhirServer);
  await options.checkFhirServer?.(base);

  const signal = options.deadline?.() ?? AbortSignal.timeout(options.deadlineMs);
  const ctx: FhirCallContext = {
    base,
    signal,
    ...(input.accessToken ? { accessToken: input.accessToken } : {}),
  };
  const needsCapabilities = needsServer.some((p) => p.kind === 'fetch');
  const caps =
    needsCapabilities && options.capabilities ? await options.capabilities(ctx) : UNKNOWN_CAPABILITIES;
  const results = await Promise.allSettled(
    needsServer.map(async (p): Promise<FhirResource[] | UnavailableSource> => {
      const started = performance.now();
      try {
        let fetched: FhirResource[] | UnavailableSource;
        if (p.kind === 'given') {
          // Complete a paginated prefetch Bundle from its next link (the one paging rule of fhir-client.ts).
          fetched = [...p.resources, ...(await options.client.follow(p.next!, ctx))];
        } else {
          const query = expandTemplate(input.templates[p.key]!, { context: input.context });
          if (query === undefined)
            throw new FhirFetchError('invalid-response', 'template token has no value');
          const outcome = await fetchWithCapabilities(query, options.client, ctx, caps, {
            anyCodeSystem: true,
            ...(options.pageSize ? { count: options.pageSize } : {}),
          });
          fetched =
            outcome.kind === 'data' ? outcome.resources : { key: p.key, resourceType: outcome.resourceType };
        }
        options.onFetch?.({
          key: p.key,
          durationMs: performance.now() - started,
          outcome: Array.isArray(fetched) ? 'ok' : 'unavailable',
        });
        return fetched;
      } catch (err) {
        const e = err instanceof FhirFetchError ? err : new FhirFetchError('network', 'FHIR fetch failed');
        options.onFetch?.({
          key: p.key,
          durationMs: performance.now() - started,
          outcome: e.reason,
          ...(e.status ? { status: e.status } : {}),
        });
        throw e;
      }
    }),
  );

  const failures: Record<string, string> = {};
  results.forEach((r, i) => {
    const key = keys[i]!;
    if (r.status === 'fulfilled') {
      const value = r.value;
      if (Array.isArray(value)) {
        sources[key] = 'fetched';
        resources.push(...value);
      } else {
        sources[key] = 'unavailable';
        unavailable.push(value);
      }
    } else {
      const e = r.reason as FhirFetchError;
      failures[key] = e.reason === 'http-status' && e.status ? `http-${e.status}` : e.reason;
    }
  });
  if (Object.keys(failures).length > 0) {
    const list = Object.entries(failures)
      .map(([k, why]) => `${k} (${why})`)
      .join(', ');
    throw new HttpProblem(412, `Could not obtain required FHIR data: ${list}`, {
      details: { failedPrefetch: failures },
    });
  }
  return { resources: dedupe(resources), sources, unavailable };
}

/** The resource type a template reads (`MedicationDispense?patient=…` → MedicationDispense). */
const templateType = (template: string) => template.split(/[/?]/, 1)[0]!;

/** The same resource may arrive under several keys (or pages): keep one copy per type/id. */
function dedupe(resources: FhirResource[]): FhirResource[] {
  // Ids per type, not "Type/id" strings: building and hashing 10,000 new strings cost 2.7 ms per huge chart.
  const seen = new Map<string, Set<string>>();
  const out: FhirResource[] = [];
  for (const r of resources) {
    if (typeof r.id === 'string') {
      let ids = seen.get(r.resourceType);
      if (ids === undefined) seen.set(r.resourceType, (ids = new Set()));
      if (ids.has(r.id)) continue;
      ids.add(r.id);
    }
    out.push(r);
  }
  return out;
}
