import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import { fullPrefetch, patientViewRequest, SERVICE } from '../support/requests.js';
import * as F from '../clinical/support/fhir.js';
import { hookRequest } from '../scenarios/support.js';

/**
 * Issue 15, item 2: liberal ids and fields, never silent loss. Epic's draft order ids (about 190 characters) in
 * `selections` and `draftOrders`; an empty `fhirAuthorization.access_token` (the Da Vinci CRD request generator on
 * an open server); a `draftOrders` that cannot be read answers 400 naming the field, never `{"cards": []}`.
 */

/** An id shaped like Epic's draft order ids: FHIR id characters, far longer than FHIR's 64. */
const EPIC_LIKE_ID = `eOrder.${'Zk3vQ-9pL.x7T2'.repeat(13)}3`;
const MI_SIX_MONTHS_AGO = () => F.condition(F.icd('I21.4'), { onset: '2024-12-15' });
const romosozumabDraft = (id: string) => F.draftMedication(F.ROMOSOZUMAB, id);

describe('ids and fields real EHRs send', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ env: { LOAD_SHEDDING_ENABLED: 'false' } });
  });
  afterAll(() => app.close());

  const post = (url: string, payload: unknown) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });

  it('the Epic-like id is longer than FHIR allows (so the test means something)', () => {
    expect(EPIC_LIKE_ID.length).toBeGreaterThan(180);
    expect(EPIC_LIKE_ID.length).toBeLessThan(1024);
  });

  it('order-select with Epic-length ids in selections and draftOrders: the draft is checked and the delete action names it', async () => {
    const request = hookRequest('order-select', [F.patient(), MI_SIX_MONTHS_AGO()], {
      drafts: [romosozumabDraft(EPIC_LIKE_ID)],
    });
    expect((request.context as { selections: string[] }).selections).toEqual([
      `MedicationRequest/${EPIC_LIKE_ID}`,
    ]);
    const body = expectValidCdsResponse(await post(SERVICE.orderSelect, request));
    const romo = body.cards.find((c) => c.source.topic?.code === 'ORDER-ROMO-CV');
    expect(romo?.indicator).toBe('critical');
    const deletes = (romo?.suggestions ?? [])
      .flatMap((s) => s.actions ?? [])
      .filter((a) => a.type === 'delete');
    expect(deletes.map((a) => a.resourceId)).toContain(`MedicationRequest/${EPIC_LIKE_ID}`);
  });

  it('order-sign with the same ids works too', async () => {
    const request = hookRequest('order-sign', [F.patient(), MI_SIX_MONTHS_AGO()], {
      drafts: [romosozumabDraft(EPIC_LIKE_ID)],
    });
    const body = expectValidCdsResponse(await post(SERVICE.orderSign, request));
    expect(body.cards.map((c) => c.source.topic?.code)).toContain('ORDER-ROMO-CV');
  });

  it('an id of 1,024 characters is accepted; 1,025 answers 400 naming the field', async () => {
    const ok = 'a'.repeat(1024);
    const request = hookRequest('order-select', [F.patient()], { drafts: [romosozumabDraft(ok)] });
    expectValidCdsResponse(await post(SERVICE.orderSelect, request));

    const tooLong = 'a'.repeat(1025);
    const bad = hookRequest('order-select', [F.patient()], { drafts: [romosozumabDraft(tooLong)] });
    const res = await post(SERVICE.orderSelect, bad);
    expect(expectErrorBody(res, 400).message).toMatch(/context\.selections\.0/);
    (bad.context as { selections: string[] }).selections = ['MedicationRequest/x'];
    const res2 = await post(SERVICE.orderSelect, bad);
    expect(expectErrorBody(res2, 400).message).toMatch(/context\.draftOrders\.entry\.0\.resource\.id/);
  });

  it('a selection that is not a Type/id reference still answers 400', async () => {
    const request = hookRequest('order-select', [F.patient()], { drafts: [romosozumabDraft('r1')] });
    (request.context as { selections: string[] }).selections = ['MedicationRequest/../../x'];
    expect(expectErrorBody(await post(SERVICE.orderSelect, request), 400).message).toMatch(/selections/);
  });

  it('a bare resource in place of the Bundle is read as a one-entry Bundle', async () => {
    const request = hookRequest('order-sign', [F.patient(), MI_SIX_MONTHS_AGO()], {
      drafts: [romosozumabDraft('romo-1')],
    });
    (request.context as Record<string, unknown>).draftOrders = romosozumabDraft('romo-1');
    const body = expectValidCdsResponse(await post(SERVICE.orderSign, request));
    expect(body.cards.map((c) => c.source.topic?.code)).toContain('ORDER-ROMO-CV');
  });

  describe('a draftOrders that cannot be read answers 400 naming the field, never an empty answer', () => {
    const cases: [string, unknown, RegExp][] = [
      [
        'entry is an object',
        { resourceType: 'Bundle', entry: { resource: romosozumabDraft('r') } },
        /draftOrders\.entry: must be an array/,
      ],
      ['entry is a string', { resourceType: 'Bundle', entry: 'MedicationRequest/r' }, /draftOrders\.entry/],
      [
        'an entry without resource',
        { resourceType: 'Bundle', entry: [{ fullUrl: 'urn:uuid:1' }] },
        /draftOrders\.entry\.0\.resource/,
      ],
      [
        'the second entry holds no FHIR resource',
        { resourceType: 'Bundle', entry: [{ resource: romosozumabDraft('r') }, { resource: { id: 'x' } }] },
        /draftOrders\.entry\.1\.resource/,
      ],
      ['an entry that is null', { resourceType: 'Bundle', entry: [null] }, /draftOrders\.entry\.0\.resource/],
    ];
    it.each(cases)('%s', async (_name, draftOrders, message) => {
      for (const hook of ['order-select', 'order-sign'] as const) {
        const request = hookRequest(hook, [F.patient()], { drafts: [], selections: ['MedicationRequest/r'] });
        (request.context as Record<string, unknown>).draftOrders = draftOrders;
        const res = await post(hook === 'order-select' ? SERVICE.orderSelect : SERVICE.orderSign, request);
        expect(expectErrorBody(res, 400).message).toMatch(message);
      }
    });
  });

  it('a Bundle with no entry at all is an empty ordering session (200)', async () => {
    const request = hookRequest('order-sign', [F.patient()], { drafts: [] });
    (request.context as Record<string, unknown>).draftOrders = { resourceType: 'Bundle', type: 'collection' };
    expectValidCdsResponse(await post(SERVICE.orderSign, request));
  });
});

describe('an empty fhirAuthorization.access_token is no authorization', () => {
  let fhir: FhirStandIn;
  let app: FastifyInstance;
  beforeAll(async () => {
    fhir = await startFhirStandIn({ resources: [{ resourceType: 'Patient', id: 'p1' }] });
    app = await buildTestApp({ env: { LOAD_SHEDDING_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await app.close();
    await fhir.close();
  });

  it('the fallback queries the FHIR server without an Authorization header', async () => {
    const prefetch = fullPrefetch('p1');
    delete prefetch.conditions;
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({
        prefetch,
        fhirServer: fhir.base,
        // As the Da Vinci CRD request generator sends it on an open server (src/util/buildRequest.js).
        fhirAuthorization: {
          access_token: '',
          token_type: 'Bearer',
          expires_in: 300,
          scope: 'patient/Patient.read',
        },
      }),
    });
    expectValidCdsResponse(res);
    const searches = fhir.seen.filter((r) => r.url.includes('Condition'));
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('with the empty token and no fhirServer, it is not the "fhirServer is required" 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ fhirAuthorization: { access_token: '', token_type: 'Bearer' } }),
    });
    expectValidCdsResponse(res);
  });

  it('a non-empty token is still sent as Bearer', async () => {
    const prefetch = fullPrefetch('p1');
    delete prefetch.conditions;
    fhir.seen.length = 0;
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({
        prefetch,
        fhirServer: fhir.base,
        fhirAuthorization: { access_token: 'tok-123', token_type: 'Bearer' },
      }),
    });
    expectValidCdsResponse(res);
    expect(fhir.seen.some((r) => r.authorization === 'Bearer tok-123')).toBe(true);
  });
});
