import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Card, FhirResource } from '../../src/protocol/types.js';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { expectValidCdsResponse } from '../support/response-check.js';
import {
  fullPrefetch,
  orderSignRequest,
  patientViewRequest,
  searchset,
  SERVICE,
} from '../support/requests.js';
import { capabilityStatement, EPIC } from './vendor-profiles.js';

/**
 * Issue #16 item 1, last step: a `medicationReference` that neither a contained Medication, nor the prefetch data,
 * nor the draftOrders Bundle resolves is read from fhirServer — deduplicated, one `Medication?_id=` search, with
 * the request's token, under its deadline — so that Epic's display-only references (its usual shape) are matched
 * by code. When the read is impossible or fails, the display text stays a text match (decision 5), and the call
 * still answers 200: here the display "denosumab" names no product or dose, so the critical lapse is only an
 * "unknown regimen" DMAB-DATA info card — the loss the read prevents.
 */

const PROLIA_MED: FhirResource = {
  resourceType: 'Medication',
  id: 'eMed-prolia-60',
  code: {
    coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '993452' }],
    text: 'denosumab 60 mg/mL syringe',
  },
};
const ZOL_MED: FhirResource = {
  resourceType: 'Medication',
  id: 'eMed-zol-5',
  code: {
    coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1114085' }],
    text: 'Reclast',
  },
};

/** Epic's shape: the drug only as a reference with display text. */
const administration = (id: string, day: string, medId = PROLIA_MED.id!): FhirResource => ({
  resourceType: 'MedicationAdministration',
  id,
  status: 'completed',
  subject: { reference: 'Patient/p1' },
  medicationReference: { reference: `Medication/${medId}`, display: 'denosumab' },
  effectiveDateTime: day,
});

const prefetchWith = (admins: FhirResource[], extra: Record<string, unknown> = {}) => ({
  ...fullPrefetch('p1'),
  medicationAdministrations: searchset(admins),
  ...extra,
});

const TOKEN = { access_token: 'epic-token', token_type: 'Bearer', expires_in: 300, scope: 'x', subject: 'c' };

describe('Medications read from fhirServer for unresolved references', () => {
  let fhir: FhirStandIn;
  let app: FastifyInstance;

  beforeAll(async () => {
    fhir = await startFhirStandIn({ resources: [PROLIA_MED, ZOL_MED], vendor: EPIC.behaviour });
    app = await buildTestApp({ env: { FHIR_FETCH_DEADLINE_MS: '5000', LOAD_SHEDDING_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await app.close();
    await fhir.close();
  });
  afterEach(() => {
    fhir.seen.length = 0;
    fhir.failures.clear();
  });

  const lapse = (res: Awaited<ReturnType<FastifyInstance['inject']>>) => {
    const cards = (expectValidCdsResponse(res) as { cards: Card[] }).cards;
    return cards.find((c) => c.source.topic?.code === 'DMAB-LAPSE');
  };

  it('reads the Medication once (deduplicated) and matches it by code: critical', async () => {
    const prefetch = prefetchWith([administration('a1', '2023-11-15'), administration('a2', '2024-05-15')]);
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch, fhirServer: fhir.base, fhirAuthorization: TOKEN }),
    });
    const card = lapse(res);
    expect(card?.indicator).toBe('critical');
    expect(card?.detail).not.toMatch(/matched by text/i);
    const reads = fhir.seen.filter((s) => s.url.includes('/Medication'));
    expect(reads.map((s) => decodeURIComponent(s.url.split('/R4/')[1]!))).toEqual([
      'Medication?_id=eMed-prolia-60',
    ]);
    expect(reads[0]!.authorization).toBe('Bearer epic-token');
  });

  it('one `_id` search for every unresolved reference of the data and the draft orders', async () => {
    const draft: FhirResource = {
      resourceType: 'MedicationRequest',
      id: 'draft-zol',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      medicationReference: { reference: `Medication/${ZOL_MED.id}`, display: 'zoledronic acid' },
    };
    const body = orderSignRequest({
      prefetch: prefetchWith([administration('a1', '2024-05-15')]),
      fhirServer: fhir.base,
    });
    (body.context as Record<string, unknown>).draftOrders = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: draft }],
    };
    expectValidCdsResponse(await app.inject({ method: 'POST', url: SERVICE.orderSign, payload: body }));
    const reads = fhir.seen.filter((s) => s.url.includes('/Medication'));
    expect(reads).toHaveLength(1);
    expect(decodeURIComponent(reads[0]!.url)).toMatch(/Medication\?_id=eMed-prolia-60,eMed-zol-5$/);
  });

  it('reads nothing when the Medication is in the data or the draftOrders Bundle', async () => {
    const prefetch = prefetchWith([administration('a1', '2024-05-15')], {
      medicationRequests: searchset([PROLIA_MED]),
    });
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch, fhirServer: fhir.base }),
    });
    expect(lapse(res)?.indicator).toBe('critical');
    expect(fhir.seen).toHaveLength(0);
  });

  const ids = (res: Awaited<ReturnType<FastifyInstance['inject']>>) =>
    (expectValidCdsResponse(res) as { cards: Card[] }).cards.map((c) => c.source.topic?.code);

  it('a failed read is not a failed call: 200, and the display text stays a text match', async () => {
    fhir.failures.set('Medication', 500);
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({
        prefetch: prefetchWith([administration('a1', '2024-05-15')]),
        fhirServer: fhir.base,
      }),
    });
    expect(ids(res)).toEqual(['DMAB-DATA']);
    expect(fhir.seen.filter((s) => s.url.includes('/Medication'))).toHaveLength(1);
  });

  it('without fhirServer nothing can be read: text match', async () => {
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch: prefetchWith([administration('a1', '2024-05-15')]) }),
    });
    expect(ids(res)).toEqual(['DMAB-DATA']);
    expect(fhir.seen).toHaveLength(0);
  });
});

describe('Medication reads on a server that can read but not search Medication', () => {
  it('reads each one by id instead', async () => {
    const fhir = await startFhirStandIn({
      resources: [PROLIA_MED],
      vendor: {
        capabilityStatement: {
          ...capabilityStatement('4.0.1', { Patient: undefined, Medication: undefined }),
          rest: [
            {
              mode: 'server',
              resource: [
                { type: 'Patient', interaction: [{ code: 'read' }] },
                { type: 'Medication', interaction: [{ code: 'read' }] },
              ],
            },
          ],
        },
      },
    });
    const app = await buildTestApp({
      env: { FHIR_FETCH_DEADLINE_MS: '5000', LOAD_SHEDDING_ENABLED: 'false' },
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: SERVICE.patientView,
        payload: patientViewRequest({
          prefetch: prefetchWith([administration('a1', '2024-05-15')]),
          fhirServer: fhir.base,
        }),
      });
      const cards = (expectValidCdsResponse(res) as { cards: Card[] }).cards;
      expect(cards.find((c) => c.source.topic?.code === 'DMAB-LAPSE')?.indicator).toBe('critical');
      expect(fhir.seen.map((s) => s.url)).toEqual(['/fhir/Medication/eMed-prolia-60']);
    } finally {
      await app.close();
      await fhir.close();
    }
  });
});
