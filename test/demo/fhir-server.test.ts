import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPatients } from '../../fixtures/demo-patients.js';
import { transactionBundle } from '../../fixtures/demo-requests.js';
import { startDemoFhirServer, type DemoFhirServer } from '../../demo/fhir-server.js';
import { loadDemoPatients } from '../../demo/load-bundles.js';

const NOW = new Date('2025-06-15T12:00:00Z');
const patients = demoPatients(NOW);
const rvfx = patients.find((p) => p.id === 'demo-rvfx')!;

describe('embedded demo FHIR server', () => {
  let fhir: DemoFhirServer;
  beforeAll(async () => {
    fhir = await startDemoFhirServer({ bundles: [transactionBundle(rvfx)] });
  });
  afterAll(() => fhir.close());

  it('answers /metadata with an R4 CapabilityStatement', async () => {
    const res = await fetch(`${fhir.base}/metadata`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
  });

  it('reads and searches by a bare patient id, with token lists, as the prefetch templates do', async () => {
    const read = await fetch(`${fhir.base}/Patient/demo-rvfx`);
    expect(await read.json()).toMatchObject({ resourceType: 'Patient', id: 'demo-rvfx' });
    const search = await fetch(`${fhir.base}/Condition?patient=demo-rvfx`);
    const bundle = (await search.json()) as { type: string; entry: unknown[] };
    expect(bundle.type).toBe('searchset');
    expect(bundle.entry).toHaveLength(3);
    const labs = await fetch(
      `${fhir.base}/Observation?patient=demo-rvfx&code=http://loinc.org|62238-1,http://loinc.org|41171-0&_sort=-date`,
    );
    expect(((await labs.json()) as { entry: unknown[] }).entry).toHaveLength(1);
  });

  it('searches by POST with a form body, as the CDS Hooks sandbox does', async () => {
    const res = await fetch(`${fhir.base}/MedicationAdministration/_search`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://sandbox.cds-hooks.org',
      },
      body: 'patient=demo-rvfx',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await res.json()) as { entry: unknown[] }).entry).toHaveLength(5);
  });

  it('answers CORS and Private Network Access preflights', async () => {
    const res = await fetch(`${fhir.base}/Condition/_search`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://sandbox.cds-hooks.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
        'access-control-request-private-network': 'true',
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-private-network')).toBe('true');
  });

  it('answers 404 with an OperationOutcome for an unknown resource', async () => {
    const res = await fetch(`${fhir.base}/Patient/demo-nobody`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });
});

describe('demo:load', () => {
  let fhir: DemoFhirServer;
  beforeAll(async () => {
    fhir = await startDemoFhirServer();
  });
  afterAll(() => fhir.close());

  it('loads every demo patient as a transaction, and loading twice updates instead of duplicating', async () => {
    for (let round = 0; round < 2; round++) {
      const results = await loadDemoPatients(fhir.base, patients);
      expect(results.filter((r) => !r.ok)).toEqual([]);
    }
    const all = (await (await fetch(`${fhir.base}/Patient`)).json()) as { entry: unknown[] };
    expect(all.entry).toHaveLength(patients.length);
    const doses = (await (
      await fetch(`${fhir.base}/MedicationAdministration?patient=demo-dmab-lapse`)
    ).json()) as {
      entry: unknown[];
    };
    expect(doses.entry).toHaveLength(6);
  });

  it('reports a refused bundle without throwing', async () => {
    const results = await loadDemoPatients(`${fhir.base}/not-a-type`, patients.slice(0, 1));
    expect(results[0]!.ok).toBe(false);
  });
});
