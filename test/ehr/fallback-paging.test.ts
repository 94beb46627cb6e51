import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { EngineInput } from '../../src/clinical/evaluator.js';
import type { FhirResource } from '../../src/protocol/types.js';
import { pagingUrl } from '../../src/protocol/fhir-client.js';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn, type PagingStyle } from '../support/fhir-stand-in.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import { fullPrefetch, patientViewRequest, SERVICE } from '../support/requests.js';
import { EPIC, HAPI, MEDPLUM, ORACLE_HEALTH } from './vendor-profiles.js';

/**
 * Issue #16 item 5: one paging rule for both data paths. A prefetch Bundle whose `next` link is written the way a
 * server writes it (HAPI `{base}?_getpages=…`, Epic `{base}/Type?sessionID=…`, Medplum `{base}/Type?_offset=…`,
 * Oracle Health `-pageContext`) is completed from fhirServer exactly as the fallback follows the same link: same
 * origin, under the FHIR base (with or without a trailing slash), page and size caps unchanged.
 */

const condition = (id: string): FhirResource => ({
  resourceType: 'Condition',
  id,
  subject: { reference: 'Patient/p1' },
  code: { text: `condition ${id}` },
});
const CONDITIONS = Array.from({ length: 5 }, (_, i) => condition(`c${i + 1}`));

describe('pagingUrl: the one rule', () => {
  const base = new URL('https://ehr.example/fhir/r4');
  it.each([
    'https://ehr.example/fhir/r4?_getpages=abc&_getpagesoffset=20&_count=20&_bundletype=searchset',
    'https://ehr.example/fhir/r4/?_getpages=abc',
    'https://ehr.example/fhir/r4/Observation?sessionID=16-AB64',
    'https://ehr.example/fhir/r4/Observation?patient=1&-pageContext=x&-pageDirection=NEXT',
    'https://ehr.example/fhir/r4/Observation?_count=20&_offset=20',
    'Observation?_offset=20',
  ])('follows %s', (href) => {
    expect(pagingUrl(href, base).href.startsWith('https://ehr.example/fhir/r4')).toBe(true);
  });
  it('accepts the same links when the base is written with a trailing slash', () => {
    const slash = new URL('https://ehr.example/fhir/r4/');
    expect(pagingUrl('https://ehr.example/fhir/r4?_getpages=abc', slash).search).toBe('?_getpages=abc');
  });
  it.each([
    'https://other.example/fhir/r4/Observation?page=2',
    'http://ehr.example/fhir/r4/Observation?page=2',
    'https://ehr.example/fhir/r40/Observation',
    'https://ehr.example/fhir/Observation?page=2',
    'https://ehr.example/admin?_getpages=abc',
    '/Observation?_offset=10',
  ])('refuses %s', (href) => {
    expect(() => pagingUrl(href, base)).toThrow(/another host|leaves the FHIR base/);
  });
});

describe.each([
  ['HAPI', 'hapi', HAPI.behaviour.basePath!],
  ['Epic', 'epic', EPIC.behaviour.basePath!],
  ['Medplum', 'offset', MEDPLUM.behaviour.basePath!],
  ['Oracle Health', 'cerner', ORACLE_HEALTH.behaviour.basePath!],
] as [string, PagingStyle, string][])('%s-style next links in prefetch', (_name, paging, basePath) => {
  let fhir: FhirStandIn;
  let app: FastifyInstance;
  const calls: EngineInput[] = [];

  beforeAll(async () => {
    fhir = await startFhirStandIn({ resources: CONDITIONS, pageSize: 2, vendor: { basePath, paging } });
    app = await buildTestApp({
      env: { FHIR_MAX_PAGES: '2', FHIR_FETCH_DEADLINE_MS: '5000', LOAD_SHEDDING_ENABLED: 'false' },
      engine: { contentVersion: 't', evaluate: (i) => (calls.push(i), []) },
    });
  });
  afterAll(async () => {
    await app.close();
    await fhir.close();
  });

  /** The first page as the server itself writes it (its real `next` link), for the EHR to send as prefetch. */
  async function firstPage(count: number): Promise<Record<string, unknown>> {
    const res = await fetch(`${fhir.base}/Condition?patient=p1&_count=${count}`);
    return (await res.json()) as Record<string, unknown>;
  }

  it('completes the prefetch Bundle from its next link (200, every page read)', async () => {
    const prefetch = fullPrefetch('p1');
    prefetch.conditions = await firstPage(2);
    fhir.seen.length = 0;
    for (const fhirServer of [fhir.base, `${fhir.base}/`]) {
      const res = await app.inject({
        method: 'POST',
        url: SERVICE.patientView,
        payload: patientViewRequest({ prefetch, fhirServer }),
      });
      expectValidCdsResponse(res);
      const ids = calls
        .at(-1)!
        .resources.filter((r) => r.resourceType === 'Condition')
        .map((r) => r.id);
      expect(ids.sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    }
    expect(fhir.seen.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps the page cap: one page more than FHIR_MAX_PAGES is 412', async () => {
    const prefetch = fullPrefetch('p1');
    prefetch.conditions = await firstPage(1);
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch, fhirServer: fhir.base }),
    });
    expect(expectErrorBody(res, 412).message).toContain('conditions (too-many-pages)');
  });

  it('refuses a next link outside the FHIR base on the same origin', async () => {
    const prefetch = fullPrefetch('p1');
    const page = await firstPage(2);
    page.link = [{ relation: 'next', url: `${new URL(fhir.base).origin}/elsewhere?_getpages=x` }];
    prefetch.conditions = page;
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch, fhirServer: fhir.base }),
    });
    expect(expectErrorBody(res, 412).message).toContain('conditions (forbidden-url)');
  });
});
