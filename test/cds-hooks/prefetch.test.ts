import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import { fullPrefetch, patientViewRequest, SERVICE } from '../support/requests.js';
import type { EngineInput } from '../../src/clinical/evaluator.js';
import type { FhirResource } from '../../src/protocol/types.js';

const PATIENT: FhirResource = {
  resourceType: 'Patient',
  id: 'p1',
  gender: 'female',
  birthDate: '1953-02-01',
};
const observation = (id: string, code = '17861-6'): FhirResource => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://loinc.org', code }] },
});
const condition = (id: string): FhirResource => ({
  resourceType: 'Condition',
  id,
  subject: { reference: 'Patient/p1' },
});

/** What the suite's FHIR server holds; tests that change it put this back. */
const suiteResources = (): FhirResource[] => [
  PATIENT,
  observation('o1'),
  observation('o2'),
  observation('o-other', '12345-6'),
  condition('c1'),
];

/** Full prefetch for p1 except the given keys, which the service must then fetch. */
function prefetchWithout(...keys: string[]) {
  const prefetch = fullPrefetch('p1');
  for (const key of keys) delete prefetch[key];
  return prefetch;
}

/** A patient-view call through `target` (default: the suite's app). */
const callPatientView = (target: FastifyInstance, overrides: Record<string, unknown>) =>
  target.inject({ method: 'POST', url: SERVICE.patientView, payload: patientViewRequest(overrides) });

const TOKEN = (access_token: string) => ({
  access_token,
  token_type: 'Bearer',
  expires_in: 300,
  scope: 's',
  subject: 'c',
});

describe('prefetch resolution against a real FHIR server', () => {
  let fhir: FhirStandIn;
  let app: FastifyInstance;
  const calls: EngineInput[] = [];
  const fetchEvents: { key: string; outcome: string }[] = [];

  beforeAll(async () => {
    fhir = await startFhirStandIn({
      resources: suiteResources(),
    });
    app = await buildTestApp({
      // A generous deadline: the first outbound call loads undici, which is slow on a loaded CI machine.
      env: { FHIR_FETCH_DEADLINE_MS: '3000', FHIR_MAX_PAGES: '3' },
      engine: {
        contentVersion: 't',
        evaluate: (i) => {
          calls.push(i);
          return [];
        },
      },
    });
    app.cdsEvents.on('fhir.fetch', (e) => fetchEvents.push(e));
  });
  afterAll(async () => {
    await app.close();
    await fhir.close();
  });
  afterEach(() => {
    fhir.seen.length = 0;
    fhir.failures.clear();
    fhir.redirects.clear();
    fhir.setLatency(0);
    fetchEvents.length = 0;
  });

  const lastIds = () =>
    calls
      .at(-1)!
      .resources.map((r) => `${r.resourceType}/${r.id}`)
      .sort();

  it('uses prefetch when every key is present and never calls the FHIR server', async () => {
    const prefetch = fullPrefetch('p1', { conditions: [condition('c9')] });
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch, fhirServer: fhir.base }),
    });
    expectValidCdsResponse(res);
    expect(fhir.seen).toHaveLength(0);
    expect(lastIds()).toEqual(['Condition/c9', 'Patient/p1']);
  });

  it('treats null as "no data" and does not fetch it', async () => {
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch: fullPrefetch('p1'), fhirServer: fhir.base }),
    });
    expectValidCdsResponse(res);
    expect(fhir.seen).toHaveLength(0);
  });

  it('fetches a missing key, with the bearer token, from fhirServer', async () => {
    const res = await callPatientView(app, {
      prefetch: prefetchWithout('conditions'),
      fhirServer: fhir.base,
      fhirAuthorization: TOKEN('secret-token-123'),
    });
    expectValidCdsResponse(res);
    expect(fhir.seen).toHaveLength(1);
    expect(fhir.seen[0]!.url).toBe('/fhir/Condition?patient=p1&_count=200');
    expect(fhir.seen[0]!.authorization).toBe('Bearer secret-token-123');
    expect(lastIds()).toEqual(['Condition/c1', 'Patient/p1']);
  });

  it('fetches a key given as an OperationOutcome, and one that is not a FHIR resource', async () => {
    const prefetch = fullPrefetch('p1');
    prefetch.conditions = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'timeout' }],
    };
    prefetch.patient = { hello: 'world' };
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch, fhirServer: fhir.base }),
    });
    expectValidCdsResponse(res);
    expect(fhir.seen.map((s) => s.url).sort()).toEqual([
      '/fhir/Condition?patient=p1&_count=200',
      '/fhir/Patient/p1',
    ]);
    expect(fhir.seen.every((s) => s.authorization === undefined)).toBe(true);
  });

  it('with no prefetch at all, fetches every key in parallel (the template query, its codes with any system)', async () => {
    fhir.setLatency(100);
    fhir.resetInFlight();
    const body = patientViewRequest({ fhirServer: fhir.base });
    delete (body as Record<string, unknown>).prefetch;
    const res = await app.inject({ method: 'POST', url: SERVICE.patientView, payload: body });
    expectValidCdsResponse(res);
    expect(fhir.seen).toHaveLength(9);
    expect(fhir.maxInFlight()).toBe(9);
    const obsUrl = fhir.seen.find((s) => s.url.startsWith('/fhir/Observation'))!.url;
    // The template's LOINC codes, sent without their system so that OID-coded results match too.
    const codes = new URL(obsUrl, fhir.base).searchParams.get('code')!.split(',');
    expect(codes).toContain('17861-6');
    expect(codes.some((c) => c.includes('|'))).toBe(false);
    expect(lastIds()).toEqual(['Condition/c1', 'Observation/o1', 'Observation/o2', 'Patient/p1']);
    expect(fetchEvents.filter((e) => e.outcome === 'ok')).toHaveLength(9);
  });

  it('follows next links across pages', async () => {
    const many = Array.from({ length: 5 }, (_, i) => condition(`c${i + 10}`));
    fhir.setResources([PATIENT, ...many]);
    try {
      const prefetch = fullPrefetch('p1');
      delete prefetch.conditions;
      const body = patientViewRequest({ prefetch, fhirServer: fhir.base });
      // Ask the stand-in for pages of 2: 5 conditions → 3 pages (the cap here is 3).
      const app2 = await buildTestApp({
        env: { FHIR_MAX_PAGES: '3' },
        engine: { contentVersion: 't', evaluate: (i) => (calls.push(i), []) },
      });
      fhir.setPageSize(2);
      const res = await app2.inject({ method: 'POST', url: SERVICE.patientView, payload: body });
      expectValidCdsResponse(res);
      expect(fhir.seen.filter((s) => s.url.startsWith('/fhir/Condition'))).toHaveLength(3);
      expect(lastIds()).toEqual([...many.map((c) => `Condition/${c.id}`), 'Patient/p1'].sort());
      await app2.close();

      // One page more than the cap: 412, because partial data could hide what matters.
      fhir.setResources([PATIENT, ...many, condition('c99'), condition('c98')]);
      fhir.seen.length = 0;
      const res2 = await app.inject({ method: 'POST', url: SERVICE.patientView, payload: body });
      const err = expectErrorBody(res2, 412);
      expect(err.message).toMatch(/conditions \(too-many-pages\)/);
    } finally {
      fhir.setPageSize(50);
      fhir.setResources(suiteResources());
    }
  });

  it('completes a paginated prefetch Bundle from its next link', async () => {
    const prefetch = fullPrefetch('p1');
    prefetch.conditions = {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'next', url: `${fhir.base}/Condition?patient=p1` }],
      entry: [{ resource: condition('c-page1') }],
    };
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch, fhirServer: fhir.base }),
    });
    expectValidCdsResponse(res);
    expect(lastIds()).toEqual(['Condition/c-page1', 'Condition/c1', 'Patient/p1']);
  });

  it('412 naming the key when the FHIR server fails', async () => {
    fhir.failures.set('Procedure', 500);
    const res = await callPatientView(app, {
      prefetch: prefetchWithout('procedures'),
      fhirServer: fhir.base,
    });
    const body = expectErrorBody(res, 412);
    expect(body.message).toContain('procedures (http-500)');
    expect(body.details).toEqual({ failedPrefetch: { procedures: 'http-500' } });
  });

  it('412 within the deadline when the FHIR server is too slow', async () => {
    fhir.setLatency(9000);
    const prefetch = fullPrefetch('p1');
    delete prefetch.observations;
    const started = Date.now();
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch, fhirServer: fhir.base }),
    });
    const body = expectErrorBody(res, 412);
    expect(body.message).toContain('observations (timeout)');
    // Functional check that the deadline (3 s here) cut the wait short of the 9 s latency, with a wide margin.
    expect(Date.now() - started).toBeLessThan(7000);
  });

  it('412 when keys are missing and there is no fhirServer (a request without prefetch)', async () => {
    const body = patientViewRequest();
    delete (body as Record<string, unknown>).prefetch;
    const res = await app.inject({ method: 'POST', url: SERVICE.patientView, payload: body });
    const err = expectErrorBody(res, 412);
    expect(err.message).toMatch(/no fhirServer/);
    // The two supplementary keys (dispensed and billed doses) are not required: only the seven others are named.
    const missing = (err.details as { missingPrefetch: string[] }).missingPrefetch;
    expect(missing).toHaveLength(7);
    expect(missing).not.toContain('medicationDispenses');
    expect(missing).not.toContain('chargeItems');
  });

  it('412 when the FHIR server is dead (connection refused), and the service keeps serving', async () => {
    const dead = await startFhirStandIn();
    const deadBase = dead.base;
    await dead.close();
    const res = await callPatientView(app, { prefetch: prefetchWithout('patient'), fhirServer: deadBase });
    expect(expectErrorBody(res, 412).message).toContain('patient (network)');
    const ok = await app.inject({ method: 'POST', url: SERVICE.patientView, payload: patientViewRequest() });
    expectValidCdsResponse(ok);
  });

  it('does not follow a redirect to another host, and sends the token nowhere else', async () => {
    const other = await startFhirStandIn({ resources: [condition('evil')] });
    try {
      fhir.redirects.set('Condition', `${other.base}/Condition?patient=p1`);
      const res = await callPatientView(app, {
        prefetch: prefetchWithout('conditions'),
        fhirServer: fhir.base,
        fhirAuthorization: TOKEN('tok'),
      });
      expect(expectErrorBody(res, 412).message).toContain('conditions (forbidden-url)');
      expect(other.seen).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('refuses a next link to another host', async () => {
    const prefetch = fullPrefetch('p1');
    prefetch.conditions = {
      resourceType: 'Bundle',
      link: [{ relation: 'next', url: 'http://127.0.0.2:9/fhir/Condition?page=2' }],
      entry: [],
    };
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch, fhirServer: fhir.base }),
    });
    expect(expectErrorBody(res, 412).message).toContain('conditions (forbidden-url)');
  });

  it('412 when the FHIR answer is bigger than the size cap', async () => {
    const small = await buildTestApp({ env: { FHIR_MAX_RESPONSE_BYTES: '1024' } });
    try {
      fhir.setResources([
        PATIENT,
        ...Array.from({ length: 40 }, (_, i) => ({
          ...condition(`big${i}`),
          note: [{ text: 'x'.repeat(100) }],
        })),
      ]);
      const res = await callPatientView(small, {
        prefetch: prefetchWithout('conditions'),
        fhirServer: fhir.base,
      });
      expect(expectErrorBody(res, 412).message).toContain('conditions (too-large)');
    } finally {
      await small.close();
      fhir.setResources(suiteResources());
    }
  });
});
