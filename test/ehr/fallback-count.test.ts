import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Card, FhirResource } from '../../src/protocol/types.js';
import { planQuery } from '../../src/protocol/prefetch/query-plan.js';
import { UNKNOWN_CAPABILITIES } from '../../src/protocol/prefetch/capabilities.js';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn, type VendorBehaviour } from '../support/fhir-stand-in.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import { patientViewRequest, SERVICE } from '../support/requests.js';
import * as F from '../clinical/support/fhir.js';
import { EPIC } from './vendor-profiles.js';

/**
 * The FHIR fallback asks for pages of FHIR_FALLBACK_PAGE_SIZE (`_count`, default 200). Without it a server pages at
 * its own default (HAPI 20, some 10) and a real chart — a few hospital stays are hundreds of administrations — runs
 * past FHIR_MAX_PAGES: 412, no cards. Servers may cap `_count` (then it is paged as before) or refuse it (then the
 * search is sent again without it).
 */

/** A lapsed denosumab course (scenario 8) in a chart of 120 other administrations (inpatient doses). */
const BIG_CHART = (): FhirResource[] => [
  F.patient(),
  F.osteoporosis(),
  F.prolia('2023-11-15', { id: 'dmab-1' }),
  F.prolia('2024-05-15', { id: 'dmab-2' }),
  ...Array.from({ length: 120 }, (_, i) =>
    F.administration(
      { system: F.RXNORM, code: '197361', display: 'amlodipine 5 MG Oral Tablet' },
      `2025-0${1 + (i % 5)}-1${i % 10}`,
      { id: `amlo-${i}` },
    ),
  ),
  ...F.normalLabs(),
];

describe('planQuery: the page size', () => {
  it('adds `_count` to searches, keeps a template’s own, never on reads, and retries without it last', () => {
    const plan = planQuery('Observation?patient=p1&_sort=-date', UNKNOWN_CAPABILITIES, { count: 200 });
    expect(plan.kind === 'attempts' && plan.attempts.map((a) => a.query)).toEqual([
      'Observation?patient=p1&_sort=-date&_count=200',
      // A server refusing `_sort` (Epic) still gets the page size.
      'Observation?patient=p1&_count=200',
      'Observation?patient=p1',
    ]);
    const own = planQuery('Condition?patient=p1&_count=5', UNKNOWN_CAPABILITIES, { count: 200 });
    expect(own.kind === 'attempts' && own.attempts[0]!.query).toBe('Condition?patient=p1&_count=5');
    const read = planQuery('Patient/p1', UNKNOWN_CAPABILITIES, { count: 200 });
    expect(read.kind === 'attempts' && read.attempts.map((a) => a.query)).toEqual(['Patient/p1']);
    const none = planQuery('Condition?patient=p1', UNKNOWN_CAPABILITIES);
    expect(none.kind === 'attempts' && none.attempts.map((a) => a.query)).toEqual(['Condition?patient=p1']);
  });
});

describe('fallback `_count` against a server with a small default page', () => {
  const apps: FastifyInstance[] = [];
  const servers: FhirStandIn[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const s of servers) await s.close();
  });

  async function setUp(env: Record<string, string>, vendor: VendorBehaviour = {}, maxPageSize = 500) {
    // Default page 10 (when no `_count` is sent), up to `maxPageSize` when asked.
    const fhir = await startFhirStandIn({ resources: BIG_CHART(), pageSize: 10, maxPageSize, vendor });
    const app = await buildTestApp({
      env: { FHIR_MAX_PAGES: '5', FHIR_FETCH_DEADLINE_MS: '5000', LOAD_SHEDDING_ENABLED: 'false', ...env },
    });
    servers.push(fhir);
    apps.push(app);
    const call = () => {
      const body = patientViewRequest({ fhirServer: fhir.base });
      delete (body as Record<string, unknown>).prefetch;
      return app.inject({ method: 'POST', url: SERVICE.patientView, payload: body });
    };
    return { fhir, call };
  }

  it('default: every search sends _count=200, the 124 administrations come in one page, and the lapse card', async () => {
    const { fhir, call } = await setUp({});
    const { cards } = expectValidCdsResponse(await call()) as { cards: Card[] };
    expect(cards.map((c) => c.source.topic?.code)).toEqual(['DMAB-LAPSE']);
    const searches = fhir.seen.map((s) => s.url).filter((u) => u.includes('?'));
    expect(searches.length).toBeGreaterThan(0);
    for (const url of searches) expect(new URL(url, fhir.base).searchParams.get('_count')).toBe('200');
    expect(fhir.seen.filter((s) => s.url.includes('MedicationAdministration'))).toHaveLength(1);
  });

  it('configurable: FHIR_FALLBACK_PAGE_SIZE=50 sends _count=50 and pages three times', async () => {
    const { fhir, call } = await setUp({ FHIR_FALLBACK_PAGE_SIZE: '50' });
    expectValidCdsResponse(await call());
    const administrations = fhir.seen.filter((s) => s.url.includes('MedicationAdministration'));
    expect(administrations[0]!.url).toContain('_count=50');
    expect(administrations).toHaveLength(3);
  });

  it('control: FHIR_FALLBACK_PAGE_SIZE=0 sends none — the server default of 10 needs 13 pages, past the cap: 412', async () => {
    const { fhir, call } = await setUp({ FHIR_FALLBACK_PAGE_SIZE: '0' });
    const err = expectErrorBody(await call(), 412);
    expect(err.message).toContain('medicationAdministrations (too-many-pages)');
    expect(fhir.seen.some((s) => s.url.includes('_count=200'))).toBe(false);
  });

  it('a server that caps the page size (at 30) is paged as before, within the cap', async () => {
    const { fhir, call } = await setUp({}, {}, 30);
    expectValidCdsResponse(await call());
    expect(fhir.seen.filter((s) => s.url.includes('MedicationAdministration'))).toHaveLength(5);
  });

  it('a server that refuses `_count` is asked again without it (the card still comes)', async () => {
    const { fhir, call } = await setUp({ FHIR_MAX_PAGES: '20' }, { refusedParams: ['_count'] });
    const { cards } = expectValidCdsResponse(await call()) as { cards: Card[] };
    expect(cards.map((c) => c.source.topic?.code)).toEqual(['DMAB-LAPSE']);
    const conditions = fhir.seen.filter((s) => s.url.includes('/Condition?')).map((s) => s.url);
    expect(conditions).toEqual(['/fhir/Condition?patient=p1&_count=200', '/fhir/Condition?patient=p1']);
  });

  it('Epic, which refuses `_sort`: the Observation retry keeps `_count`', async () => {
    const { fhir, call } = await setUp({}, EPIC.behaviour);
    expectValidCdsResponse(await call());
    const observations = fhir.seen.filter((s) => s.url.includes('/Observation?')).map((s) => s.url);
    expect(observations).toHaveLength(2);
    expect(observations[0]).toContain('_sort=');
    expect(observations[1]).not.toContain('_sort=');
    expect(observations[1]).toContain('_count=200');
  });
});
