import { HttpProblem } from '../errors.js';
import type { ClinicalConfig } from '../config/clinical.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import { createEngine, type CdsEngine } from './engine.js';
import { createFhirAccess } from './fhir-access.js';
import { invokeHook, type InvokeDeps, type InvokeResult } from './invoke.js';
import type { Knowledge } from './knowledge.js';

/**
 * The CDS services called in process: what `POST /cds-services/{id}` does (src/routes/invoke.ts), minus HTTP. The
 * benchmark and the scripts use it, so they take the same path as an EHR's call (validate → prefetch → rules →
 * cards → check) instead of assembling the steps themselves.
 */
export interface InProcessService {
  readonly services: ServiceDefinition[];
  readonly contentVersion: string;
  /** One hook call; an unknown service id is a 404 HttpProblem, like the route's. */
  call(serviceId: string, body: unknown, now?: Date): Promise<InvokeResult>;
}

export interface InProcessOptions {
  /** FHIR_MAX_PAGES, FHIR_MAX_RESPONSE_BYTES, FHIR_DEADLINE_MS (the `fhir` section of the configuration). */
  fhir: { maxPages: number; maxResponseBytes: number; deadlineMs: number };
  clinical?: Partial<ClinicalConfig>;
  /** An engine built elsewhere (another build's, in the bench); by default one over `knowledge`. */
  engine?: CdsEngine;
  /** Check every response against the CDS Hooks 2.0 schema (the route does outside production). */
  selfCheck?: boolean;
  ehr?: InvokeDeps['ehr'];
}

export function createInProcessService(knowledge: Knowledge, options: InProcessOptions): InProcessService {
  const engine = options.engine ?? createEngine(knowledge, options.clinical);
  const fhir = createFhirAccess(options.fhir);
  const byId = new Map(knowledge.services.map((s) => [s.id, s]));
  return {
    services: knowledge.services,
    contentVersion: engine.contentVersion,
    call(serviceId, body, now = new Date()) {
      const service = byId.get(serviceId);
      if (!service)
        return Promise.reject(new HttpProblem(404, `Unknown CDS service "${serviceId.slice(0, 64)}"`));
      return invokeHook(service, body, {
        engine,
        fhir,
        now,
        ...(options.selfCheck ? { selfCheck: true } : {}),
        ...(options.ehr ? { ehr: options.ehr } : {}),
      });
    },
  };
}
