import { randomUUID } from 'node:crypto';
import type { FhirResource } from '../../src/protocol/types.js';

/** Request builders for the three services, shaped like what real CDS clients send. */

export const PREFETCH_KEYS = [
  'patient',
  'medicationAdministrations',
  'medicationStatements',
  'medicationRequests',
  'medicationDispenses',
  'conditions',
  'procedures',
  'chargeItems',
  'observations',
] as const;
export type PrefetchKey = (typeof PREFETCH_KEYS)[number];

export const searchset = (resources: FhirResource[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.length,
  entry: resources.map((resource) => ({ resource })),
});

/** Every prefetch key present: the patient plus searchsets (or null where nothing is given). */
export function fullPrefetch(
  patientId = 'p1',
  byKey: Partial<Record<Exclude<PrefetchKey, 'patient'>, FhirResource[]>> = {},
): Record<string, unknown> {
  const prefetch: Record<string, unknown> = {
    patient: { resourceType: 'Patient', id: patientId, gender: 'female', birthDate: '1953-02-01' },
  };
  for (const key of PREFETCH_KEYS) {
    if (key === 'patient') continue;
    const list = byKey[key];
    prefetch[key] = list ? searchset(list) : null;
  }
  return prefetch;
}

export function patientViewRequest(overrides: Record<string, unknown> = {}) {
  return {
    hookInstance: randomUUID(),
    hook: 'patient-view',
    context: { patientId: 'p1', userId: 'Practitioner/COREPRACTITIONER1' },
    prefetch: fullPrefetch('p1'),
    ...overrides,
  };
}

export const draftMedicationRequest = (id = 'request-123', patientId = 'p1'): FhirResource => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'draft',
  intent: 'order',
  subject: { reference: `Patient/${patientId}` },
  medicationCodeableConcept: {
    text: 'Warfarin Sodium 1 MG Oral Tablet',
    coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '855288' }],
  },
});

export function orderSelectRequest(overrides: Record<string, unknown> = {}) {
  return {
    hookInstance: randomUUID(),
    hook: 'order-select',
    context: {
      patientId: 'p1',
      userId: 'Practitioner/COREPRACTITIONER1',
      selections: ['MedicationRequest/request-123'],
      draftOrders: { resourceType: 'Bundle', entry: [{ resource: draftMedicationRequest() }] },
    },
    prefetch: fullPrefetch('p1'),
    ...overrides,
  };
}

export function orderSignRequest(overrides: Record<string, unknown> = {}) {
  return {
    hookInstance: randomUUID(),
    hook: 'order-sign',
    context: {
      patientId: 'p1',
      userId: 'Practitioner/COREPRACTITIONER1',
      draftOrders: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ resource: draftMedicationRequest() }],
      },
    },
    prefetch: fullPrefetch('p1'),
    ...overrides,
  };
}

export const SERVICE = {
  patientView: '/cds-services/osteoporosis-patient-view',
  orderSelect: '/cds-services/osteoporosis-order-select',
  orderSign: '/cds-services/osteoporosis-order-sign',
} as const;
