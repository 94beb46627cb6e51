import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FhirResource, HookName } from '../../src/cds-hooks/types.js';
import { expectValidCdsResponse } from '../support/response-check.js';
import * as F from '../clinical/support/fhir.js';

/**
 * Variant scenarios (examiner-style variations of knowledge.md §3) through the HTTP interface. Every response is
 * checked against the strict CDS Hooks 2.0 response schema; cards are compared by `source.topic.code:indicator`.
 */

const SERVICE: Record<HookName, string> = {
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
  Condition: 'conditions',
  Procedure: 'procedures',
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

export interface FullCard {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: string;
  source: { label: string; url?: string; topic?: { code?: string } };
  suggestions?: { label: string; isRecommended?: boolean; actions?: { type: string; resourceId?: string; resource?: Record<string, unknown> }[] }[];
}

export interface Opts {
  drafts?: FhirResource[];
  selections?: string[];
}

export async function call(app: FastifyInstance, hook: HookName, resources: FhirResource[], opts: Opts = {}): Promise<FullCard[]> {
  const patient = resources.find((r) => r.resourceType === 'Patient') ?? null;
  const prefetch: Record<string, unknown> = { patient };
  for (const key of new Set(Object.values(KEY_BY_TYPE))) {
    prefetch[key] = bundle(resources.filter((r) => KEY_BY_TYPE[r.resourceType] === key));
  }
  const context: Record<string, unknown> = { userId: 'Practitioner/doc', patientId: F.PATIENT_ID };
  if (hook !== 'patient-view') {
    const drafts = opts.drafts ?? [];
    context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
  }
  if (hook === 'order-select') context.selections = opts.selections ?? (opts.drafts ?? []).map((d) => `${d.resourceType}/${d.id}`);
  const payload = { hook, hookInstance: `variant-${Math.random().toString(36).slice(2)}`, context, prefetch };
  const res = await app.inject({ method: 'POST', url: `/cds-services/${SERVICE[hook]}`, payload });
  const body = expectValidCdsResponse(res);
  for (const card of body.cards) {
    expect(card.summary.length).toBeLessThan(140);
    expect(card.source.topic?.code, JSON.stringify(card.source)).toBeTruthy();
  }
  if (process.env.SHOW_CARDS) for (const c of body.cards) console.log(`CARD ${c.source.topic?.code}:${c.indicator} | ${c.summary}`);
  return body.cards as unknown as FullCard[];
}

export const codesOf = (cards: FullCard[]) => cards.map((c) => `${c.source.topic?.code}:${c.indicator}`).sort();
export const byCode = (cards: FullCard[], code: string) => cards.find((c) => c.source.topic?.code === code);

export const TEXT_MATCH = /recognised from its free text only/i;

/** Default §3 patient: woman, 72 y, M81.0. */
export const base = (): FhirResource[] => [F.patient(), F.osteoporosis()];

export const prolia = (date: string, code = '993452', display = '1 ML denosumab 60 MG/ML Prefilled Syringe') =>
  F.administration({ system: F.RXNORM, code, display }, date, { doseMg: 60 });
