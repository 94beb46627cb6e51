import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FhirResource } from '../../src/protocol/types.js';
import { resolveBundleReferences } from '../../src/protocol/bundle-references.js';
import { buildTestApp } from '../support/build-app.js';
import { expectValidCdsResponse } from '../support/response-check.js';
import { fullPrefetch, searchset, SERVICE } from '../support/requests.js';
import * as F from '../clinical/support/fhir.js';
import { codesOf } from './support/vendor-app.js';

/**
 * Issue #16 item 4: Bundles from transaction-style clients (and C-CDA conversions) name their entries by
 * `fullUrl: "urn:uuid:…"` and refer to them that way — the Medication behind an order, the Patient as subject. The
 * same facts must give the same cards whichever way the medication is referred to: a code on the order, a contained
 * `#id`, a relative `Medication/id`, an absolute URL, or a `urn:uuid:` of the same Bundle (prefetch or draftOrders).
 */

const MED_UUID = 'urn:uuid:5b0d1f3e-7c62-4c55-9a0e-2f8e8d3a6b11';
const PATIENT_UUID = 'urn:uuid:0f4c3a1d-9e2b-4d7a-8c55-1b2e3f4a5d66';
const PROLIA_MEDICATION = (id?: string): FhirResource => ({
  resourceType: 'Medication',
  ...(id ? { id } : {}),
  code: { coding: [{ system: F.RXNORM, code: '993452', display: F.PROLIA.display }] },
});

describe('resolveBundleReferences (unit)', () => {
  it('rewrites urn:uuid references to the entry of the same Bundle, giving an id-less entry the URN value', () => {
    const [medication, order] = resolveBundleReferences([
      { fullUrl: MED_UUID, resource: PROLIA_MEDICATION() },
      {
        fullUrl: 'urn:uuid:9d1e2f3a-0000-4000-8000-000000000001',
        resource: {
          resourceType: 'MedicationRequest',
          id: 'mr-1',
          medicationReference: { reference: MED_UUID },
          subject: { reference: PATIENT_UUID },
          note: [{ text: MED_UUID }],
        },
      },
    ]);
    expect(medication!.id).toBe('5b0d1f3e-7c62-4c55-9a0e-2f8e8d3a6b11');
    expect(order!.medicationReference).toEqual({
      reference: 'Medication/5b0d1f3e-7c62-4c55-9a0e-2f8e8d3a6b11',
    });
    // Not an entry of this Bundle: left as it is; only `reference` fields are touched.
    expect(order!.subject).toEqual({ reference: PATIENT_UUID });
    expect(order!.note).toEqual([{ text: MED_UUID }]);
  });

  it('keeps an entry id that is there, resolves urn:oid too, and passes untouched resources through as-is', () => {
    const untouched: FhirResource = {
      resourceType: 'Condition',
      id: 'c1',
      subject: { reference: 'Patient/p1' },
    };
    const patient: FhirResource = { resourceType: 'Patient', id: 'p1' };
    const out = resolveBundleReferences([
      { fullUrl: 'urn:oid:2.16.840.1.113883.19.5', resource: patient },
      { resource: { resourceType: 'Observation', subject: { reference: 'urn:oid:2.16.840.1.113883.19.5' } } },
      { resource: untouched },
    ]);
    expect(out[0]).toBe(patient);
    expect(out[1]!.subject).toEqual({ reference: 'Patient/p1' });
    expect(out[2]).toBe(untouched);
  });

  it('a Bundle without URN entries is returned entry for entry, nothing copied', () => {
    const resources = [F.prolia('2024-05-15'), F.osteoporosis()];
    const out = resolveBundleReferences(resources.map((resource) => ({ resource })));
    out.forEach((r, i) => expect(r).toBe(resources[i]));
  });
});

describe('medication references in every form, over HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  /** A Prolia administration whose drug is named in one of the ways clients write it, with the entries it needs. */
  type Form = 'coded' | 'contained' | 'relative' | 'absolute' | 'urn:uuid' | 'urn:uuid, no entry';
  function administrationEntries(form: Form, day: string, n: number) {
    const base: FhirResource = {
      resourceType: 'MedicationAdministration',
      id: `ma-${n}`,
      status: 'completed',
      subject: form.startsWith('urn') ? { reference: PATIENT_UUID } : { reference: 'Patient/p1' },
      effectiveDateTime: day,
      dosage: { dose: { value: 60, unit: 'mg' } },
    };
    switch (form) {
      case 'coded':
        return [
          {
            resource: {
              ...base,
              medicationCodeableConcept: { coding: [{ system: F.RXNORM, code: '993452' }] },
            },
          },
        ];
      case 'contained':
        return [
          {
            resource: {
              ...base,
              contained: [PROLIA_MEDICATION('med')],
              medicationReference: { reference: '#med' },
            },
          },
        ];
      case 'relative':
      case 'absolute':
        return [
          {
            resource: {
              ...base,
              medicationReference: {
                reference:
                  form === 'relative'
                    ? 'Medication/prolia'
                    : 'https://ehr.example.org/fhir/Medication/prolia',
              },
            },
          },
          {
            fullUrl: 'https://ehr.example.org/fhir/Medication/prolia',
            resource: PROLIA_MEDICATION('prolia'),
          },
        ];
      case 'urn:uuid':
      case 'urn:uuid, no entry':
        return [
          {
            fullUrl: `urn:uuid:00000000-0000-4000-8000-00000000000${n}`,
            resource: { ...base, medicationReference: { reference: MED_UUID } },
          },
          ...(form === 'urn:uuid' ? [{ fullUrl: MED_UUID, resource: PROLIA_MEDICATION() }] : []),
        ];
    }
  }

  async function patientView(form: Form) {
    const entries = [
      ...administrationEntries(form, '2023-11-15', 1),
      ...administrationEntries(form, '2024-05-15', 2),
    ];
    // Medication entries appear once per dose here; a real Bundle may repeat them the same way.
    const prefetch = fullPrefetch('p1', { conditions: [F.osteoporosis()] });
    prefetch.medicationAdministrations = { resourceType: 'Bundle', type: 'transaction', entry: entries };
    if (form.startsWith('urn')) prefetch.patient = null;
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: {
        hookInstance: 'b3f1d2c4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        hook: 'patient-view',
        context: { patientId: 'p1', userId: 'Practitioner/doc' },
        prefetch: form.startsWith('urn')
          ? {
              ...prefetch,
              patient: { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1953-01-10' },
            }
          : prefetch,
      },
    });
    return expectValidCdsResponse(res).cards;
  }

  it.each(['coded', 'contained', 'relative', 'absolute', 'urn:uuid'] as const)(
    'patient-view, Prolia named %s: DMAB-LAPSE, critical (a coded match)',
    async (form) => {
      const cards = await patientView(form);
      expect(codesOf(cards)).toEqual(['DMAB-LAPSE']);
      expect(cards[0]!.indicator).toBe('critical');
    },
  );

  it('control: a urn:uuid naming no entry of the Bundle identifies no drug, so no lapse card', async () => {
    expect(codesOf(await patientView('urn:uuid, no entry'))).toEqual([]);
  });

  /** order-select: a Prolia draft with calcium 7.9 mg/dL (knowledge.md #52: ORDER-DMAB-CA critical). */
  async function orderSelect(draftEntries: { fullUrl?: string; resource: FhirResource }[]) {
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.orderSelect,
      payload: {
        hookInstance: 'c4a2e3d5-6f70-4b8c-9dae-1f2a3b4c5d6e',
        hook: 'order-select',
        context: {
          patientId: 'p1',
          userId: 'Practitioner/doc',
          selections: ['MedicationRequest/dmab-draft'],
          draftOrders: { resourceType: 'Bundle', type: 'transaction', entry: draftEntries },
        },
        prefetch: fullPrefetch('p1', {
          conditions: [F.osteoporosis()],
          observations: [F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10')],
        }),
      },
    });
    return expectValidCdsResponse(res).cards;
  }
  const draft = (reference: string): FhirResource => ({
    resourceType: 'MedicationRequest',
    id: 'dmab-draft',
    status: 'draft',
    intent: 'order',
    subject: { reference: PATIENT_UUID },
    medicationReference: { reference },
    dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 60, unit: 'mg' } }] }],
  });

  it('order-select, draftOrders as a transaction Bundle: the Medication beside the order by urn:uuid', async () => {
    const cards = await orderSelect([
      { fullUrl: 'urn:uuid:7a7a7a7a-0000-4000-8000-000000000001', resource: draft(MED_UUID) },
      { fullUrl: MED_UUID, resource: PROLIA_MEDICATION() },
      { fullUrl: PATIENT_UUID, resource: { resourceType: 'Patient', id: 'p1' } },
    ]);
    expect(codesOf(cards)).toContain('ORDER-DMAB-CA');
    expect(cards.find((c) => c.source.topic?.code === 'ORDER-DMAB-CA')!.indicator).toBe('critical');
  });

  it('control: the same draft whose urn:uuid names no entry gets no denosumab card', async () => {
    const cards = await orderSelect([
      { fullUrl: 'urn:uuid:7a7a7a7a-0000-4000-8000-000000000001', resource: draft(MED_UUID) },
    ]);
    expect(codesOf(cards)).not.toContain('ORDER-DMAB-CA');
  });

  it('a prefetch searchset with _include-d Medication entries (relative references) still resolves', async () => {
    const prefetch = fullPrefetch('p1', { conditions: [F.osteoporosis()] });
    prefetch.medicationAdministrations = searchset([
      {
        ...F.prolia('2024-05-15', { id: 'ma-9' }),
        medicationCodeableConcept: undefined,
        medicationReference: { reference: 'Medication/prolia' },
      } as FhirResource,
      PROLIA_MEDICATION('prolia'),
    ]);
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: {
        hookInstance: 'x1',
        hook: 'patient-view',
        context: { patientId: 'p1', userId: 'Practitioner/doc' },
        prefetch,
      },
    });
    const { cards } = expectValidCdsResponse(res);
    expect(codesOf(cards)).toEqual(['DMAB-LAPSE']);
    expect(cards[0]!.indicator).toBe('critical');
  });
});
