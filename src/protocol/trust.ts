import type { Dispatcher } from 'undici';

/** Who called, as established from the CDS Hooks 2.0 JWT (absent when authentication is off). */
export interface CallerIdentity {
  issuer: string;
  tenant?: string;
}

/** Decides whether the service may call a request's fhirServer, and how to connect to it. */
export interface FhirServerPolicy {
  /** Throws an HttpProblem to refuse the fhirServer named by this request. */
  check(fhirServer: URL, caller: CallerIdentity | undefined): void | Promise<void>;
  /** Checks each outbound URL just before it is requested (redirects, paging links). */
  checkUrl?(url: URL): void | Promise<void>;
  /** Connection policy for outbound FHIR calls (e.g. DNS answers checked against private ranges). */
  getDispatcher?(): Promise<Dispatcher>;
  /** Releases the connections (on app close). */
  close?(): Promise<void>;
}
