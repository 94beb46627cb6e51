import { FhirClient } from '../protocol/fhir-client.js';
import type { FetchObserver } from '../protocol/prefetch/resolve.js';
import type { FhirServerPolicy } from '../protocol/trust.js';

/** How the service reads a request's fhirServer: one client, one deadline, one trust policy. Built once. */
export interface FhirAccess {
  client: FhirClient;
  deadlineMs: number;
  policy?: FhirServerPolicy;
  onFetch?: FetchObserver;
}

export function createFhirAccess(
  limits: { maxPages: number; maxResponseBytes: number; deadlineMs: number },
  options: { policy?: FhirServerPolicy; onFetch?: FetchObserver } = {},
): FhirAccess {
  const { policy, onFetch } = options;
  const client = new FhirClient({
    maxPages: limits.maxPages,
    maxResponseBytes: limits.maxResponseBytes,
    ...(policy?.getDispatcher ? { getDispatcher: () => policy.getDispatcher!() } : {}),
    ...(policy?.checkUrl ? { checkUrl: (url: URL) => policy.checkUrl!(url) } : {}),
  });
  return {
    client,
    deadlineMs: limits.deadlineMs,
    ...(policy ? { policy } : {}),
    ...(onFetch ? { onFetch } : {}),
  };
}
