import { describe, expect, it } from 'vitest';
import { CATALOGUE_IDS, SERVICE_NOTICE_IDS } from '../../src/clinical/findings.js';
import { loadServiceDefinitions } from '../../src/service/knowledge.js';
import { dateBefore } from '../../fixtures/calendar.js';
import { demoPatients, HOSTILE_DISPLAY_TEXT } from '../../fixtures/demo-patients.js';
import { hookRequest, prefetchFor, serviceFor, transactionBundle } from '../../fixtures/demo-requests.js';

const NOW = new Date('2025-06-15T12:00:00Z');
const DATE_FIELDS = [
  'effectiveDateTime',
  'onsetDateTime',
  'recordedDate',
  'authoredOn',
  'dateAsserted',
  'birthDate',
];

describe('calendar arithmetic', () => {
  it('adds calendar months, clamps to the month end, then subtracts days', () => {
    expect(dateBefore(NOW, { months: 7, days: 10 })).toBe('2024-11-05');
    expect(dateBefore(new Date('2025-03-31T00:00:00Z'), { months: 1 })).toBe('2025-02-28');
    expect(dateBefore(new Date('2024-03-31T00:00:00Z'), { months: 1 })).toBe('2024-02-29');
    expect(dateBefore(NOW, { years: 2, months: 13 })).toBe('2022-05-15');
    expect(dateBefore(new Date('2025-01-10T00:00:00Z'), { days: 20 })).toBe('2024-12-21');
  });
});

describe('demo patients', () => {
  const patients = demoPatients(NOW);

  it('has one intended patient for every catalogue card (not the service notices), and some with none', () => {
    const intended = new Set(patients.flatMap((p) => p.expected.map((e) => e.cardId)));
    const clinical = CATALOGUE_IDS.filter((id) => !SERVICE_NOTICE_IDS.includes(id));
    expect([...intended].sort()).toEqual(clinical.sort());
    expect(patients.filter((p) => p.expected.length === 0).length).toBeGreaterThanOrEqual(3);
  });

  it('uses obviously synthetic, unique ids and names', () => {
    const ids = patients.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of patients) {
      expect(p.id).toMatch(/^demo-[a-z0-9-]+$/);
      expect(p.name).toMatch(/^Demo /);
      expect(p.resources[0]).toMatchObject({ resourceType: 'Patient', id: p.id });
    }
    const resourceKeys = patients.flatMap((p) => p.resources.map((r) => `${r.resourceType}/${r.id}`));
    expect(new Set(resourceKeys).size).toBe(resourceKeys.length);
  });

  it('keeps every record in its own patient chart and never in the future', () => {
    for (const p of patients) {
      for (const r of p.resources.slice(1)) {
        expect(r.id!.startsWith(`${p.id}-`)).toBe(true);
        expect((r.subject as { reference: string }).reference).toBe(`Patient/${p.id}`);
        for (const field of DATE_FIELDS) {
          if (typeof r[field] === 'string') expect((r[field] as string) <= '2025-06-15').toBe(true);
        }
      }
    }
  });

  it('gives a draft order to exactly the patients demonstrated on order hooks', () => {
    for (const p of patients) {
      const onOrders = p.expected.some((e) => e.hook !== 'patient-view');
      expect(Boolean(p.draftOrder)).toBe(onOrders);
      if (p.draftOrder) {
        expect(p.draftOrder.status).toBe('draft');
        expect(p.resources.some((r) => r.id === p.draftOrder!.id)).toBe(false);
      }
    }
    const drafts = Object.fromEntries(patients.filter((p) => p.draftOrder).map((p) => [p.id, p.draftOrder!]));
    expect(drafts['demo-order-vertebroplasty']).toMatchObject({
      resourceType: 'ServiceRequest',
      code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '22511' }] },
    });
  });

  it('dates every record relative to now', () => {
    const lastDose = (now: Date) => {
      const lapse = demoPatients(now).find((p) => p.id === 'demo-dmab-lapse')!;
      return lapse.resources
        .filter((r) => r.resourceType === 'MedicationAdministration')
        .map((r) => r.effectiveDateTime as string)
        .sort()
        .at(-1);
    };
    expect(lastDose(NOW)).toBe('2024-05-15');
    expect(lastDose(new Date('2030-01-31T08:00:00Z'))).toBe('2028-12-31');
  });

  it('encodes a Prolia dose as knowledge.md defines it', () => {
    const dose = patients
      .find((p) => p.id === 'demo-dmab-lapse')!
      .resources.find((r) => r.resourceType === 'MedicationAdministration')!;
    expect(dose).toMatchObject({
      status: 'completed',
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '993452' }],
      },
      dosage: { dose: { value: 60, code: 'mg' }, route: { text: 'subcutaneous' } },
    });
  });

  it('carries the hostile display text in one chart', () => {
    const markup = patients.find((p) => p.id === 'demo-markup-text')!;
    expect(JSON.stringify(markup.resources)).toContain(JSON.stringify(HOSTILE_DISPLAY_TEXT).slice(1, -1));
  });
});

describe('wire formats', () => {
  const patients = demoPatients(NOW);
  const services = loadServiceDefinitions();

  it('builds FHIR R4 transaction bundles of PUTs', () => {
    for (const p of patients) {
      const bundle = transactionBundle(p) as unknown as {
        type: string;
        entry: { resource: { resourceType: string; id: string }; request: { method: string; url: string } }[];
      };
      expect(bundle.type).toBe('transaction');
      expect(bundle.entry).toHaveLength(p.resources.length);
      for (const e of bundle.entry)
        expect(e.request).toEqual({ method: 'PUT', url: `${e.resource.resourceType}/${e.resource.id}` });
    }
  });

  it('fills every prefetch key of the service definitions', () => {
    const service = serviceFor(services, 'patient-view')!;
    const p = patients.find((x) => x.id === 'demo-rvfx')!;
    const prefetch = prefetchFor(service.prefetch, p);
    expect(Object.keys(prefetch).sort()).toEqual(Object.keys(service.prefetch).sort());
    expect(prefetch.patient).toMatchObject({ resourceType: 'Patient', id: 'demo-rvfx' });
    expect((prefetch.conditions as { entry: unknown[] }).entry).toHaveLength(3);
  });

  it('builds order-select requests with the draft order selected', () => {
    const service = serviceFor(services, 'order-select')!;
    const p = patients.find((x) => x.id === 'demo-order-zol-renal')!;
    const request = hookRequest(service, p, { withPrefetch: false, fhirServer: 'http://fhir.example/r4' });
    expect(request).toMatchObject({
      hook: 'order-select',
      fhirServer: 'http://fhir.example/r4',
      context: { patientId: p.id, selections: [`MedicationRequest/${p.draftOrder!.id}`] },
    });
    expect(request).not.toHaveProperty('prefetch');
  });
});
