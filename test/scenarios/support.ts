import type { FastifyInstance } from 'fastify';
import type { FhirResource, HookName } from '../../src/protocol/types.js';
import { PATIENT_ID } from '../clinical/support/fhir.js';

export const SERVICE: Record<HookName, string> = {
  'patient-view': 'osteoporosis-patient-view',
  'order-select': 'osteoporosis-order-select',
  'order-sign': 'osteoporosis-order-sign',
};

const KEY_BY_TYPE: Record<string, string> = {
  MedicationAdministration: 'medicationAdministrations',
  MedicationStatement: 'medicationStatements',
  MedicationRequest: 'medicationRequests',
  // A Medication referenced by a request arrives as an `_include`d entry of the request searchset.
  Medication: 'medicationRequests',
  MedicationDispense: 'medicationDispenses',
  Condition: 'conditions',
  Procedure: 'procedures',
  ChargeItem: 'chargeItems',
  Observation: 'observations',
};

const bundle = (resources: FhirResource[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.filter((r) => r.resourceType !== 'Medication').length,
  entry: resources.map((resource) => ({
    fullUrl: `http://ehr.example/fhir/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode: resource.resourceType === 'Medication' ? 'include' : 'match' },
  })),
});

export interface HookRequestOptions {
  drafts?: FhirResource[];
  selections?: string[];
}

/** A CDS Hooks 2.0 request with every prefetch key (empty searchsets where the patient has no data). */
export function hookRequest(hook: HookName, resources: FhirResource[], opts: HookRequestOptions = {}) {
  const patient = resources.find((r) => r.resourceType === 'Patient') ?? null;
  const prefetch: Record<string, unknown> = { patient };
  for (const key of new Set(Object.values(KEY_BY_TYPE))) {
    prefetch[key] = bundle(resources.filter((r) => KEY_BY_TYPE[r.resourceType] === key));
  }
  const context: Record<string, unknown> = { userId: 'Practitioner/doc', patientId: PATIENT_ID };
  if (hook !== 'patient-view') {
    const drafts = opts.drafts ?? [];
    context.draftOrders = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: drafts.map((resource) => ({ resource })),
    };
  }
  if (hook === 'order-select')
    context.selections = opts.selections ?? (opts.drafts ?? []).map((d) => `${d.resourceType}/${d.id}`);
  return { hook, hookInstance: `test-${Math.random().toString(36).slice(2)}`, context, prefetch };
}

export interface CardView {
  code: string | undefined;
  indicator: string;
  summary: string;
}

export async function invoke(
  app: FastifyInstance,
  hook: HookName,
  resources: FhirResource[],
  opts: HookRequestOptions = {},
) {
  const res = await app.inject({
    method: 'POST',
    url: `/cds-services/${SERVICE[hook]}`,
    payload: hookRequest(hook, resources, opts),
  });
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body}`);
  const cards = (
    res.json() as { cards: { summary: string; indicator: string; source: { topic?: { code?: string } } }[] }
  ).cards;
  return cards.map((c): CardView => ({
    code: c.source.topic?.code,
    indicator: c.indicator,
    summary: c.summary,
  }));
}

export const codes = (cards: CardView[]) => cards.map((c) => `${c.code}:${c.indicator}`).sort();
