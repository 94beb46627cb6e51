import { randomUUID } from 'node:crypto';
import type { FhirResource } from '../src/protocol/types.js';
import { PREFETCH_TYPES } from './requests.js';

/**
 * The hostile inputs of issue 11, each grown to a byte budget (the body limit in the full run): what an attacker,
 * or a broken EHR, can send in one request. Each input names the request it makes; the bodies are built once.
 */

export interface AdversarialInput {
  name: string;
  /** What a service that is not bounded would do with it (the issue's finding). */
  threat: string;
  path: string;
  body: (budgetBytes: number) => string;
}

const PATIENT_ID = 'adv-patient';
const subject = { reference: `Patient/${PATIENT_ID}` };
const ORDER_SELECT = '/cds-services/osteoporosis-order-select';
const PATIENT_VIEW = '/cds-services/osteoporosis-patient-view';

function searchset(resources: FhirResource[]) {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    entry: resources.map((resource) => ({ resource })),
  };
}

/** Every prefetch key of hooks/prefetch-templates.json, empty except the ones given. */
function prefetch(resources: FhirResource[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {
    patient: { resourceType: 'Patient', id: PATIENT_ID, gender: 'female' },
  };
  for (const [key, type] of Object.entries(PREFETCH_TYPES))
    out[key] = searchset(resources.filter((r) => r.resourceType === type));
  return out;
}

function hook(hookName: string, context: Record<string, unknown>, resources: FhirResource[] = []) {
  return {
    hook: hookName,
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/adv', patientId: PATIENT_ID, ...context },
    prefetch: prefetch(resources),
  };
}

const draftBundle = (drafts: FhirResource[]) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: drafts.map((resource) => ({ resource })),
});

function prolia(id: string): FhirResource {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'proposal',
    subject,
    medicationCodeableConcept: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '993452' }],
      text: 'Prolia 60 mg SC',
    },
  };
}

const day = (i: number) =>
  new Date(Date.UTC(2000, 0, 1) + (i % 9000) * 86_400_000).toISOString().slice(0, 10);

function textCodedFracture(i: number): FhirResource {
  return {
    resourceType: 'Condition',
    id: `vfx-${i}`,
    clinicalStatus: { coding: [{ code: 'active' }] },
    code: { text: 'Vertebral compression fracture' },
    subject,
    onsetDateTime: day(i),
  };
}

/**
 * The body with as many repeated items as fit in the budget: the size per item is read from a body of 1,000, then
 * the count is trimmed until the body (ids growing with the count, wrappers included) is within the budget.
 */
function fitted(budgetBytes: number, build: (count: number) => string): string {
  const bytes = (body: string) => Buffer.byteLength(body);
  const one = bytes(build(1));
  const perItem = Math.max(1, (bytes(build(1001)) - one) / 1000);
  let count = Math.max(1, Math.floor((budgetBytes - one) / perItem));
  let body = build(count);
  while (bytes(body) > budgetBytes && count > 1) {
    count = Math.max(1, Math.floor(count * Math.min(0.995, budgetBytes / bytes(body))));
    body = build(count);
  }
  return body;
}

const range = <T>(count: number, item: (i: number) => T): T[] =>
  Array.from({ length: count }, (_, i) => item(i));

/** Room left for the hostile part after the request around it. */
const OVERHEAD = 4096;

export const ADVERSARIAL_INPUTS: AdversarialInput[] = [
  {
    name: 'long medicationReference',
    threat: 'quadratic reference regex: 160,000 letters took 20 s',
    path: ORDER_SELECT,
    body: (budget) => {
      const draft = {
        ...prolia('long-ref'),
        medicationCodeableConcept: undefined,
        medicationReference: { reference: `Medication/${'a'.repeat(budget - OVERHEAD)}` },
      };
      return JSON.stringify(
        hook('order-select', {
          draftOrders: draftBundle([draft]),
          selections: ['MedicationRequest/long-ref'],
        }),
      );
    },
  },
  {
    name: 'long medication text',
    threat: 'strength parser: "prednisone " + 150,000 digits took 8–9 s',
    path: PATIENT_VIEW,
    body: (budget) => {
      const request: FhirResource = {
        resourceType: 'MedicationRequest',
        id: 'long-text',
        status: 'active',
        intent: 'order',
        subject,
        authoredOn: '2025-01-01',
        medicationCodeableConcept: { text: `prednisone ${'1'.repeat(budget - OVERHEAD)}` },
      };
      return JSON.stringify(hook('patient-view', {}, [request]));
    },
  },
  {
    name: 'text-coded vertebral fractures',
    threat: 'quadratic episode merging: 7,000 took 4–8 s',
    path: PATIENT_VIEW,
    body: (budget) =>
      fitted(budget, (n) => JSON.stringify(hook('patient-view', {}, range(n, textCodedFracture)))),
  },
  {
    name: 'draft orders',
    threat: '2,000 drafts gave one card each and megabytes of response',
    path: ORDER_SELECT,
    body: (budget) =>
      fitted(budget, (n) => {
        const drafts = range(n, (i) => prolia(`d${i}`));
        return JSON.stringify(
          hook('order-select', {
            draftOrders: draftBundle(drafts),
            selections: drafts.map((d) => `MedicationRequest/${String(d.id)}`),
          }),
        );
      }),
  },
  {
    name: 'deep JSON (nested arrays)',
    threat: 'parser recursion and time in the nesting depth',
    path: PATIENT_VIEW,
    body: (budget) => {
      const depth = Math.max(1, Math.floor((budget - OVERHEAD) / 2));
      const base = JSON.stringify(hook('patient-view', {}));
      return base.replace('"context":{', `"context":{"extension":${'['.repeat(depth)}${']'.repeat(depth)},`);
    },
  },
  {
    name: 'wide JSON (one object, many keys)',
    threat: 'parser and validator time in the number of keys',
    path: PATIENT_VIEW,
    body: (budget) => {
      const base = JSON.stringify(hook('patient-view', {}));
      return fitted(budget, (n) =>
        base.replace('"context":{', `"context":{"extension":{${range(n, (i) => `"k${i}":${i}`).join(',')}},`),
      );
    },
  },
  {
    name: 'feedback body',
    threat: 'one 883 KB feedback call stored 892 KB',
    path: '/cds-services/osteoporosis-patient-view/feedback',
    body: (budget) => {
      // Comments at the 10,000-character limit a request may send (smaller bodies: smaller comments).
      const comment = 'c'.repeat(Math.min(10_000, Math.floor(budget / 8)));
      const item = (i: number) => ({
        card: `card-${i}`,
        outcome: 'overridden',
        overrideReason: {
          reason: { system: 'urn:dmab-cds:override-reason', code: 'x'.repeat(200) },
          userComment: comment,
        },
        outcomeTimestamp: '2025-06-15T12:00:00Z',
      });
      return fitted(budget, (n) => JSON.stringify({ feedback: range(n, item) }));
    },
  },
];
