import { baseKey } from '../urls.js';
import { FhirFetchError, type FhirCallContext } from '../fhir-client.js';
import type { FhirResource } from '../types.js';

/**
 * What a FHIR server says it can do, read from its CapabilityStatement (R4/STU3) or Conformance (DSTU2) at
 * `{base}/metadata`. Only what the fallback needs: the FHIR release, and per resource type whether it can be
 * searched and read and which search parameters it declares. "Unknown" is always a possible answer (no metadata,
 * a statement without a `rest` server part, a type without `searchParam`): the fallback then asks as it would
 * without the statement and reads the answer (fhir-fallback.ts).
 */

export type FhirRelease = 'DSTU2' | 'STU3' | 'R4' | 'R5' | 'unknown';

export interface TypeCapability {
  /** False only when the statement lists interactions and `search-type` is not among them. */
  search: boolean;
  /** False only when the statement lists interactions and `read` is not among them. */
  read: boolean;
  /** The declared search parameter names; undefined when the statement declares none for the type. */
  searchParams?: ReadonlySet<string>;
}

export interface ServerCapabilities {
  release: FhirRelease;
  /** Resource types the server exposes; undefined when the statement lists none (then nothing is assumed). */
  types?: ReadonlyMap<string, TypeCapability>;
  /** Search parameters declared for every type (`rest.searchParam`). */
  commonSearchParams: ReadonlySet<string>;
}

/** Knowing nothing: every query is sent as written. */
export const UNKNOWN_CAPABILITIES: ServerCapabilities = Object.freeze({
  release: 'unknown',
  commonSearchParams: new Set<string>(),
}) as ServerCapabilities;

function releaseOf(fhirVersion: unknown): FhirRelease {
  if (typeof fhirVersion !== 'string') return 'unknown';
  if (fhirVersion.startsWith('1.0') || fhirVersion.startsWith('0.')) return 'DSTU2';
  if (fhirVersion.startsWith('3.')) return 'STU3';
  if (fhirVersion.startsWith('4.')) return 'R4';
  if (fhirVersion.startsWith('5.') || fhirVersion.startsWith('6.')) return 'R5';
  return 'unknown';
}

const names = (list: unknown): Set<string> => {
  const out = new Set<string>();
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name === 'string') out.add(name);
  }
  return out;
};

/** Parse a CapabilityStatement or Conformance; anything else gives UNKNOWN_CAPABILITIES. */
export function parseCapabilities(resource: FhirResource): ServerCapabilities {
  if (resource.resourceType !== 'CapabilityStatement' && resource.resourceType !== 'Conformance') {
    return UNKNOWN_CAPABILITIES;
  }
  const release = releaseOf(resource.fhirVersion);
  const rest = Array.isArray(resource.rest)
    ? (resource.rest as { mode?: unknown; resource?: unknown; searchParam?: unknown }[]).find(
        (r) => r?.mode === 'server',
      )
    : undefined;
  if (!rest || !Array.isArray(rest.resource)) return { release, commonSearchParams: new Set() };
  const types = new Map<string, TypeCapability>();
  for (const entry of rest.resource as unknown[]) {
    const r = entry as { type?: unknown; interaction?: unknown; searchParam?: unknown } | null;
    if (typeof r?.type !== 'string') continue;
    const interactions = Array.isArray(r.interaction)
      ? new Set(
          (r.interaction as { code?: unknown }[])
            .map((i) => i?.code)
            .filter((c): c is string => typeof c === 'string'),
        )
      : undefined;
    const params = names(r.searchParam);
    types.set(r.type, {
      search: interactions === undefined || interactions.size === 0 || interactions.has('search-type'),
      read: interactions === undefined || interactions.size === 0 || interactions.has('read'),
      ...(params.size > 0 ? { searchParams: params } : {}),
    });
  }
  return { release, types, commonSearchParams: names(rest.searchParam) };
}

export interface CapabilityCacheOptions {
  /** How long a statement is trusted. */
  ttlMs: number;
  /** How long "this server gave no usable statement" is remembered (shorter: it may be a passing failure). */
  unknownTtlMs?: number;
  /** Servers remembered at most (the oldest entry goes first). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  expires: number;
  value: Promise<ServerCapabilities>;
}

/**
 * Capability statements per FHIR base, for a TTL. Concurrent calls for the same server share one read. A read that
 * timed out or could not connect is not remembered (the next call tries again); a server that answered without a
 * usable statement (404, an error status, not a CapabilityStatement) is remembered as unknown for a shorter time.
 */
export class CapabilityCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly unknownTtlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CapabilityCacheOptions) {
    this.maxEntries = options.maxEntries ?? 256;
    this.unknownTtlMs = Math.min(options.unknownTtlMs ?? 60_000, options.ttlMs);
    this.now = options.now ?? Date.now;
  }

  /**
   * The capabilities of `key` (a base URL), read with `load` when not cached. `load` resolves to a statement, to
   * `undefined` for "answered, but nothing usable", and rejects for a passing failure (then UNKNOWN is returned
   * and nothing is cached).
   */
  async get(key: string, load: () => Promise<FhirResource | undefined>): Promise<ServerCapabilities> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (hit) this.entries.delete(key);
    const value = load().then(
      (resource) => {
        const caps = resource ? parseCapabilities(resource) : UNKNOWN_CAPABILITIES;
        const entry = this.entries.get(key);
        if (entry?.value === value && caps === UNKNOWN_CAPABILITIES)
          entry.expires = this.now() + this.unknownTtlMs;
        return caps;
      },
      () => {
        if (this.entries.get(key)?.value === value) this.entries.delete(key);
        return UNKNOWN_CAPABILITIES;
      },
    );
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { expires: now + this.options.ttlMs, value });
    return value;
  }
}

/** The slice of FhirClient the lookup needs. */
interface MetadataReader {
  metadata(ctx: FhirCallContext): Promise<FhirResource>;
}

/**
 * The capabilities of a request's fhirServer: cached per base URL; read under the request's deadline (and at most
 * `budgetMs` of it, so a slow `/metadata` still leaves time for the data), with the same guards as every other
 * request (the client's URL check, guarded dispatcher, size cap, token only to the server's own origin).
 */
export function capabilityLookup(client: MetadataReader, cache: CapabilityCache, budgetMs: number) {
  return (ctx: FhirCallContext): Promise<ServerCapabilities> =>
    cache.get(baseKey(ctx.base), () =>
      client
        .metadata({ ...ctx, signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(budgetMs)]) })
        .catch((err: unknown) => {
          // A timeout or a dead connection may pass: not remembered. Any answer (404, 401, junk) is.
          if (err instanceof FhirFetchError && (err.reason === 'timeout' || err.reason === 'network'))
            throw err;
          return undefined;
        }),
    );
}
