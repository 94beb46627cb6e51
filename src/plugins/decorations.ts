import type {} from '@fastify/swagger';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/index.js';
import type { Clock } from '../clock.js';
import type { CdsEvents } from '../observability/events.js';

/** Who called, as established by the authentication plugin (absent when authentication is off). */
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

/** Per-request facts for the one structured log line written when the response is sent. */
export interface RequestLogFields {
  serviceId?: string;
  hookInstance?: string;
  cards?: number;
  fetchedKeys?: string[];
  /** Prefetch keys the FHIR server does not support (capability-aware fallback). */
  unavailableKeys?: string[];
  feedbackItems?: number;
  authFailure?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    clock: Clock;
    cdsEvents: CdsEvents;
    fhirServerPolicy: FhirServerPolicy;
    /** Readiness checks by name; /readyz answers 503 if any fails or shutdown has begun. */
    readiness: {
      checks: Map<string, () => boolean | Promise<boolean>>;
      shuttingDown: boolean;
      /** When shutdown began with a deadline: the epoch ms by which onClose work must be done. */
      shutdownDeadline?: number;
    };
  }
  interface FastifyRequest {
    caller?: CallerIdentity;
    /** The verified issuer and configured tenant (authentication on): the rate-limit key and the jti quota. */
    callerBucket?: string;
    logFields: RequestLogFields;
  }
}
