import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Card } from '../../src/protocol/types.js';
import type { FhirResource } from '../../src/protocol/types.js';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import { patientViewRequest, SERVICE } from '../support/requests.js';
import * as F from '../clinical/support/fhir.js';
import {
  EPIC,
  HAPI,
  MEDPLUM,
  ORACLE_HEALTH,
  SANDBOX_DSTU2,
  SANDBOX_R4,
  type VendorProfile,
} from './vendor-profiles.js';

/**
 * The FHIR fallback against servers that behave like the EHRs' (vendor-profiles.ts): no prefetch, everything read
 * from fhirServer. The same chart on every server must give the same cards; a server without a kind of data gives
 * the cards with a note naming it (never a 412), and the queries are the ones that server supports.
 *
 * The chart: a denosumab course whose last dose was 13 months ago (knowledge.md scenario 8: DMAB-LAPSE, critical),
 * osteoporosis on the problem list, normal recent labs, and enough results that every search is paged.
 */

const R4_CHART = (): FhirResource[] => [
  F.patient(),
  F.osteoporosis(),
  F.prolia('2023-11-15', { id: 'ma-1' }),
  F.prolia('2024-05-15', { id: 'ma-2' }),
  ...F.normalLabs(),
  // Not asked for by the template's code list: kept out locally when the server cannot filter by code.
  F.observation('8867-4', 72, '/min', '2025-06-01', { id: 'heart-rate' }),
];

/** The same facts in DSTU2 shapes (the sandbox's default server). */
const DSTU2_CHART = (): FhirResource[] => [
  { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1953-01-10' },
  {
    resourceType: 'Condition',
    id: 'c-op',
    patient: { reference: 'Patient/p1' },
    code: { coding: [{ system: F.ICD10CM, code: 'M81.0' }] },
    verificationStatus: 'confirmed',
    onsetDateTime: '2019-01-01',
  },
  ...['2023-11-15', '2024-05-15'].map((day, i) => ({
    resourceType: 'MedicationAdministration',
    id: `ma-${i + 1}`,
    status: 'completed',
    patient: { reference: 'Patient/p1' },
    medicationCodeableConcept: { coding: [{ system: F.RXNORM, code: '993452' }], text: 'Prolia 60 mg' },
    effectiveTimeDateTime: day,
    dosage: { quantity: { value: 60, unit: 'mg' } },
  })),
  {
    resourceType: 'MedicationOrder',
    id: 'mo-1',
    status: 'completed',
    patient: { reference: 'Patient/p1' },
    dateWritten: '2024-05-01',
    medicationCodeableConcept: { coding: [{ system: F.RXNORM, code: '993452' }], text: 'Prolia 60 mg' },
  },
  ...F.normalLabs(),
];

interface Fixture {
  profile: VendorProfile;
  chart: () => FhirResource[];
  /** The first page of each query the service must send (paging continuations apart), without the base path. */
  queries: string[];
  /** Notes the lapse card must carry (data this server does not have). */
  notes: RegExp[];
}

const OBS_CODES = (sorted: boolean) => (q: string) =>
  q.startsWith('Observation?') && q.includes('code=') && q.includes('_sort=') === sorted;

const FIXTURES: Fixture[] = [
  {
    profile: ORACLE_HEALTH,
    chart: R4_CHART,
    queries: [
      'Condition?patient=p1&_count=200',
      'MedicationAdministration?patient=p1&_count=200',
      'MedicationRequest?patient=p1&_count=200',
      'Patient/p1',
      'Procedure?patient=p1&_count=200',
    ],
    notes: [/Medication statements are not available/, /dispensing records are not available/],
  },
  {
    profile: EPIC,
    chart: R4_CHART,
    queries: [
      'Condition?patient=p1&_count=200',
      'MedicationAdministration?patient=p1&_count=200',
      'MedicationDispense?patient=p1&_count=200',
      'MedicationRequest?patient=p1&_count=200',
      'MedicationStatement?patient=p1&_count=200',
      'Patient/p1',
      'Procedure?patient=p1&_count=200',
    ],
    notes: [],
  },
  {
    profile: SANDBOX_DSTU2,
    chart: DSTU2_CHART,
    queries: [
      'Condition?patient=p1&_count=200',
      'MedicationAdministration?patient=p1&_count=200',
      'MedicationDispense?patient=p1&_count=200',
      'MedicationOrder?patient=p1&_count=200',
      'MedicationStatement?patient=p1&_count=200',
      'Patient/p1',
      'Procedure?patient=p1&_count=200',
    ],
    notes: [],
  },
  ...[SANDBOX_R4, HAPI, MEDPLUM].map((profile) => ({
    profile,
    chart: R4_CHART,
    queries: [
      'ChargeItem?patient=p1&code=J0897&_count=200',
      'Condition?patient=p1&_count=200',
      'MedicationAdministration?patient=p1&_count=200',
      'MedicationDispense?patient=p1&_count=200',
      'MedicationRequest?patient=p1&_count=200',
      'MedicationStatement?patient=p1&_count=200',
      'Patient/p1',
      'Procedure?patient=p1&_count=200',
    ],
    notes: [],
  })),
];

const TOKEN = {
  access_token: 'vendor-token',
  token_type: 'Bearer',
  expires_in: 300,
  scope: 'x',
  subject: 'c',
};

describe.each(FIXTURES)('FHIR fallback against $profile.name', ({ profile, chart, queries, notes }) => {
  let fhir: FhirStandIn;
  let app: FastifyInstance;

  beforeAll(async () => {
    // Pages of 2: every search of the chart is paged in the server's own style.
    fhir = await startFhirStandIn({ resources: chart(), pageSize: 2, vendor: profile.behaviour });
    app = await buildTestApp({
      env: { FHIR_FETCH_DEADLINE_MS: '5000', FHIR_MAX_PAGES: '20', LOAD_SHEDDING_ENABLED: 'false' },
    });
  });
  afterAll(async () => {
    await app.close();
    await fhir.close();
  });

  const call = () => {
    const body = patientViewRequest({ fhirServer: fhir.base, fhirAuthorization: TOKEN });
    delete (body as Record<string, unknown>).prefetch;
    return app.inject({ method: 'POST', url: SERVICE.patientView, payload: body });
  };

  it('answers 200 with the lapse card, a valid CDS Hooks 2.0 response', async () => {
    const res = await call();
    const body = expectValidCdsResponse(res);
    const cards = (body as { cards: Card[] }).cards;
    expect(cards.map((c) => c.source.topic?.code)).toEqual(['DMAB-LAPSE']);
    expect(cards[0]!.indicator).toBe('critical');
    for (const note of notes) expect(cards[0]!.detail).toMatch(note);
    if (notes.length === 0) expect(cards[0]!.detail).not.toMatch(/not available from this EHR/);
  });

  it('reads /metadata once, then sends only the queries this server supports, with the token', async () => {
    fhir.seen.length = 0;
    fhir.metadataRequests.length = 0;
    expectValidCdsResponse(await call());
    // Cached from the first call of this suite.
    expect(fhir.metadataRequests).toHaveLength(0);
    const relative = fhir.seen.map((s) =>
      decodeURIComponent(s.url.slice(new URL(fhir.base).pathname.length + 1)),
    );
    const firstPages = relative.filter((q) => !/_getpages|sessionID|-pageContext|_offset/.test(q));
    const observation = firstPages.filter((q) => q.startsWith('Observation'));
    expect(firstPages.filter((q) => !q.startsWith('Observation')).sort()).toEqual(queries);
    // Observations: narrowed by the template's LOINC codes where the server filters by code; `_sort` where declared
    // (HAPI) or where the statement declares no parameters (Medplum: sent as written); Epic refuses `_sort` in its
    // answer, so the query is sent again without it; Oracle Health declares no `_sort`, so it is never sent.
    expect(observation.length).toBeGreaterThanOrEqual(1);
    expect(observation.at(-1)).toMatch(/code=41171-0,17861-6,/);
    const sorts = profile === HAPI || profile === SANDBOX_R4 || profile === MEDPLUM;
    expect(observation.some(OBS_CODES(true))).toBe(sorts || profile === EPIC);
    expect(observation.at(-1)!.includes('_sort=')).toBe(sorts);
    // Paged in the server's own style, and every page followed.
    expect(relative.length).toBeGreaterThan(firstPages.length);
    expect(fhir.seen.every((s) => s.authorization === 'Bearer vendor-token')).toBe(true);
  });
});

describe('unsupported is no data, failures stay 412', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({
      env: { FHIR_FETCH_DEADLINE_MS: '5000', FHIR_MAX_PAGES: '3', LOAD_SHEDDING_ENABLED: 'false' },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  const call = (fhirServer: string) => {
    const body = patientViewRequest({ fhirServer });
    delete (body as Record<string, unknown>).prefetch;
    return app.inject({ method: 'POST', url: SERVICE.patientView, payload: body });
  };

  it('a server with no /metadata that answers 404 for a type: that key is unavailable, the rest is read', async () => {
    const fhir = await startFhirStandIn({
      resources: R4_CHART(),
      vendor: { unsupportedTypes: ['MedicationStatement', 'ChargeItem'] },
    });
    try {
      const body = expectValidCdsResponse(await call(fhir.base)) as { cards: Card[] };
      expect(body.cards.map((c) => c.source.topic?.code)).toEqual(['DMAB-LAPSE']);
      expect(body.cards[0]!.detail).toMatch(/Medication statements are not available/);
      expect(fhir.metadataRequests).toHaveLength(1);
      expect(fhir.seen.filter((s) => s.url.includes('MedicationStatement'))).toHaveLength(1);
    } finally {
      await fhir.close();
    }
  });

  it('a DSTU2 server without /metadata: MedicationRequest answered 404 → MedicationOrder is read instead', async () => {
    const fhir = await startFhirStandIn({
      resources: DSTU2_CHART(),
      vendor: { ...SANDBOX_DSTU2.behaviour, capabilityStatement: undefined },
    });
    try {
      const body = expectValidCdsResponse(await call(fhir.base)) as { cards: Card[] };
      expect(body.cards.map((c) => c.source.topic?.code)).toEqual(['DMAB-LAPSE']);
      expect(body.cards[0]!.detail).not.toMatch(/orders are not available/);
      const urls = fhir.seen.map((s) => s.url);
      expect(urls.some((u) => u.includes('/MedicationRequest?'))).toBe(true);
      expect(urls.some((u) => u.includes('/MedicationOrder?patient=p1'))).toBe(true);
    } finally {
      await fhir.close();
    }
  });

  it.each([
    [401, 'http-401'],
    [403, 'http-403'],
    [500, 'http-500'],
    [503, 'http-503'],
  ])('%i from the FHIR server is a failure: 412 naming the key', async (status, reason) => {
    const fhir = await startFhirStandIn({ resources: R4_CHART(), vendor: ORACLE_HEALTH.behaviour });
    try {
      fhir.failures.set('Observation', status);
      const err = expectErrorBody(await call(fhir.base), 412);
      expect(err.details).toEqual({ failedPrefetch: { observations: reason } });
    } finally {
      await fhir.close();
    }
  });

  it('a 400 that does not say "not supported" is a failure', async () => {
    const fhir = await startFhirStandIn({ resources: R4_CHART(), vendor: HAPI.behaviour });
    try {
      fhir.failures.set('Condition', 400);
      const err = expectErrorBody(await call(fhir.base), 412);
      expect(err.details).toEqual({ failedPrefetch: { conditions: 'http-400' } });
    } finally {
      await fhir.close();
    }
  });

  it('the page cap still applies to paged vendor links (Oracle Health -pageContext)', async () => {
    const fhir = await startFhirStandIn({
      resources: R4_CHART(),
      pageSize: 1,
      vendor: ORACLE_HEALTH.behaviour,
    });
    try {
      const err = expectErrorBody(await call(fhir.base), 412);
      expect(err.message).toContain('observations (too-many-pages)');
    } finally {
      await fhir.close();
    }
  });
});
