import { randomUUID } from 'node:crypto';
import type { FhirResource } from '../src/protocol/types.js';
import { CPT, RXNORM, type SyntheticPatient } from './patients.js';

/**
 * CDS Hooks requests for the benchmark, shaped like what an EHR sends: full prefetch (every key of
 * hooks/prefetch-templates.json, each a searchset Bundle) or, for the fallback bench, no prefetch and a
 * fhirServer to fetch from.
 */

export type BenchHook = 'order-select' | 'patient-view';

export const SERVICE_PATH: Record<BenchHook, string> = {
  'order-select': '/cds-services/osteoporosis-order-select',
  'patient-view': '/cds-services/osteoporosis-patient-view',
};

/** Prefetch key → the resource type its template searches (the Patient is a read). */
export const PREFETCH_TYPES = {
  medicationAdministrations: 'MedicationAdministration',
  medicationStatements: 'MedicationStatement',
  medicationRequests: 'MedicationRequest',
  medicationDispenses: 'MedicationDispense',
  conditions: 'Condition',
  procedures: 'Procedure',
  chargeItems: 'ChargeItem',
  observations: 'Observation',
} as const;

function searchset(resources: FhirResource[]) {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    entry: resources.map((resource) => ({
      fullUrl: `urn:bench:${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

export function fullPrefetch(patient: SyntheticPatient): Record<string, unknown> {
  const prefetch: Record<string, unknown> = { patient: patient.patient };
  for (const [key, type] of Object.entries(PREFETCH_TYPES)) {
    prefetch[key] = searchset(patient.resources.filter((r) => r.resourceType === type));
  }
  return prefetch;
}

/** The draft orders of the order-select bench: denosumab (safety checks) and a vertebroplasty (rebound check). */
export function draftOrders(patientId: string): FhirResource[] {
  const subject = { reference: `Patient/${patientId}` };
  return [
    {
      resourceType: 'MedicationRequest',
      id: 'draft-denosumab',
      status: 'draft',
      intent: 'order',
      subject,
      medicationCodeableConcept: {
        coding: [
          { system: RXNORM, code: '993452', display: '1 ML denosumab 60 MG/ML Prefilled Syringe [Prolia]' },
        ],
        text: 'Prolia 60 mg SC',
      },
      dosageInstruction: [{ text: '60 mg subcutaneously once', route: { text: 'subcutaneous' } }],
    },
    {
      resourceType: 'ServiceRequest',
      id: 'draft-vertebroplasty',
      status: 'draft',
      intent: 'order',
      subject,
      code: {
        coding: [
          {
            system: CPT,
            code: '22511',
            display: 'Percutaneous vertebroplasty, 1 vertebral body; lumbosacral',
          },
        ],
        text: 'Vertebroplasty L1',
      },
    },
  ];
}

/** autocannon replaces this with a fresh id in every request it sends (`idReplacement`). */
export const PER_REQUEST_ID = '[<id>]';

export interface RequestOptions {
  /** Omit prefetch and point the service at this FHIR base instead (fallback path). */
  fhirServer?: string;
  /** Default: a random UUID. The load runs pass PER_REQUEST_ID so that every request has its own. */
  hookInstance?: string;
}

export function hookRequest(hook: BenchHook, patient: SyntheticPatient, options: RequestOptions = {}) {
  const context: Record<string, unknown> = {
    patientId: patient.patientId,
    userId: 'Practitioner/bench-clinician',
  };
  if (hook === 'order-select') {
    const drafts = draftOrders(patient.patientId);
    context.selections = drafts.map((d) => `${d.resourceType}/${d.id}`);
    context.draftOrders = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: drafts.map((resource) => ({ resource })),
    };
  }
  return {
    hookInstance: options.hookInstance ?? randomUUID(),
    hook,
    context,
    ...(options.fhirServer ? { fhirServer: options.fhirServer } : { prefetch: fullPrefetch(patient) }),
  };
}
