import { FhirClient } from '../protocol/fhir-client.js';
import { CapabilityCache, capabilityLookup } from '../protocol/prefetch/capabilities.js';
import type { FetchObserver } from '../protocol/prefetch/resolve.js';
import type { FhirServerPolicy } from '../protocol/trust.js';

const DEFAULT_CAPABILITY_TTL_MS = 3_600_000;
/** FHIR_FALLBACK_PAGE_SIZE's default, for callers that build their limits by hand (the in-process service). */
const DEFAULT_FALLBACK_PAGE_SIZE = 200;

/** How the service reads a request's fhirServer: one client, one deadline, one trust policy. Built once. */
export interface FhirAccess {
  client: FhirClient;
  deadlineMs: number;
  /** `_count` sent with each fallback search (0: none). */
  pageSize: number;
  /** The server's CapabilityStatement, cached per server for the TTL; a slow /metadata may use half the deadline. */
  capabilities: ReturnType<typeof capabilityLookup>;
  policy?: FhirServerPolicy;
  onFetch?: FetchObserver;
}

export function createFhirAccess(
  limits: {
    maxPages: number;
    maxResponseBytes: number;
    deadlineMs: number;
    capabilityTtlMs?: number;
    /** `_count` for the fallback searches; 0 sends none; unset: the configuration default (200). */
    pageSize?: number;
  },
  options: { policy?: FhirServerPolicy; onFetch?: FetchObserver } = {},
): FhirAccess {
  const { policy, onFetch } = options;
  const client = new FhirClient({
    maxPages: limits.maxPages,
    maxResponseBytes: limits.maxResponseBytes,
    ...(policy?.getDispatcher ? { getDispatcher: () => policy.getDispatcher!() } : {}),
    ...(policy?.checkUrl ? { checkUrl: (url: URL) => policy.checkUrl!(url) } : {}),
  });
  const capabilities = capabilityLookup(
    client,
    new CapabilityCache({ ttlMs: limits.capabilityTtlMs ?? DEFAULT_CAPABILITY_TTL_MS }),
    Math.ceil(limits.deadlineMs / 2),
  );
  return {
    client,
    deadlineMs: limits.deadlineMs,
    pageSize: limits.pageSize ?? DEFAULT_FALLBACK_PAGE_SIZE,
    capabilities,
    ...(policy ? { policy } : {}),
    ...(onFetch ? { onFetch } : {}),
  };
}
