import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FhirResource } from '../../src/protocol/types.js';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { expectValidCdsResponse } from '../support/response-check.js';
import { bearer } from '../security/support/auth-app.js';
import { SERVICE } from '../scenarios/support.js';
import * as F from '../clinical/support/fhir.js';
import { actionsOf, codesOf } from './support/vendor-app.js';
import { SANDBOX_DSTU2, SANDBOX_R4 } from './vendor-profiles.js';
import {
  SANDBOX_FHIR_AUTHORIZATION,
  SANDBOX_PATIENT,
  sandboxDraft,
  sandboxRequest,
  sandboxToken,
  type SandboxDrug,
} from './support/sandbox-client.js';

/**
 * Requests exactly as the official CDS Hooks sandbox sends them (support/sandbox-client.ts cites the sandbox source
 * file by file), against its two FHIR servers as modelled in vendor-profiles.ts: the R4 server (HAPI: every type,
 * `_getpages` paging) and its DEFAULT DSTU2 server (no MedicationRequest — MedicationOrder instead — and no
 * ChargeItem). The sandbox fills the prefetch itself from the discovery document, leaving out every key its server
 * could not answer; the service reads those keys from fhirServer. Tokens are minted with the sandbox's published
 * key and trusted by the CDS_TRUST_SANDBOX preset, the stand-in servers by CDS_SANDBOX_FHIR_SERVERS.
 *
 * The chart (the sandbox's default patient smart-1288992): eight 6-monthly Prolia injections, the last on
 * 2024-05-15 — thirteen months before TEST_NOW, a lapse (knowledge.md scenario 8) after a long course (≥ 6 doses).
 * The sandbox's drug list has only oral osteoporosis drugs, so its orders are alendronate or risedronate:
 * decision 16 makes an oral bisphosphonate after ≥ 6 denosumab doses DMAB-ORALBP-AFTER-LONG (warning).
 */

const PROLIA_DAYS = [
  '2020-11-15',
  '2021-05-15',
  '2021-11-15',
  '2022-05-15',
  '2022-11-15',
  '2023-05-15',
  '2023-11-15',
  '2024-05-15',
];
const patientRef = { reference: `Patient/${SANDBOX_PATIENT}` };
const PROLIA_CODE = { coding: [{ system: F.RXNORM, code: '993452' }], text: 'Prolia 60 mg/mL syringe' };
const patientResource: FhirResource = {
  resourceType: 'Patient',
  id: SANDBOX_PATIENT,
  gender: 'male',
  birthDate: '1925-12-23',
  name: [{ given: ['Daniel', 'X.'], family: 'Adams' }],
};
const labs = (subjectKey: 'subject' | 'patient') =>
  F.normalLabs().map((o) => {
    const { subject: _s, ...rest } = o as FhirResource & { subject?: unknown };
    return { ...rest, [subjectKey]: patientRef } as FhirResource;
  });

/** R4 (the sandbox's `/v/r4/fhir`). */
const R4_CHART = (): FhirResource[] => [
  patientResource,
  {
    resourceType: 'Condition',
    id: 'op',
    subject: patientRef,
    clinicalStatus: { coding: [{ code: 'active' }] },
    code: { coding: [{ system: F.ICD10CM, code: 'M81.0' }] },
    onsetDateTime: '2019-01-01',
  },
  ...PROLIA_DAYS.map((day, i) => ({
    resourceType: 'MedicationAdministration',
    id: `dmab-${i + 1}`,
    status: 'completed',
    subject: patientRef,
    medicationCodeableConcept: PROLIA_CODE,
    effectiveDateTime: day,
    dosage: { dose: { value: 60, unit: 'mg' } },
  })),
  ...labs('subject'),
];

/** The same facts as DSTU2 resources (the sandbox's default `/v/r2/fhir`): `patient`, `effectiveTimeDateTime`. */
const DSTU2_CHART = (): FhirResource[] => [
  patientResource,
  {
    resourceType: 'Condition',
    id: 'op',
    patient: patientRef,
    verificationStatus: 'confirmed',
    clinicalStatus: 'active',
    code: { coding: [{ system: F.ICD10CM, code: 'M81.0' }] },
    onsetDateTime: '2019-01-01',
  },
  ...PROLIA_DAYS.map((day, i) => ({
    resourceType: 'MedicationAdministration',
    id: `dmab-${i + 1}`,
    status: 'completed',
    patient: patientRef,
    medicationCodeableConcept: PROLIA_CODE,
    effectiveTimeDateTime: day,
    dosage: { quantity: { value: 60, unit: 'mg' } },
  })),
  {
    resourceType: 'MedicationOrder',
    id: 'mo-1',
    status: 'completed',
    patient: patientRef,
    dateWritten: '2024-05-01',
    medicationCodeableConcept: PROLIA_CODE,
  },
  ...labs('subject'),
];

/** A HAPI continuation page (`{base}?_getpages=…`), relative to the base. */
const isContinuation = (relative: string) => relative.startsWith('_getpages=');

/** From the sandbox's src/assets/medication-list.js (`cuiToName`). */
const ALENDRONATE_35: SandboxDrug = { code: '904396', name: 'Alendronic acid 35 MG Oral Tablet' };
const RISEDRONATE_150: SandboxDrug = { code: '905028', name: 'risedronate sodium 150 MG Oral Tablet' };

interface Server {
  fhir: FhirStandIn;
  version: '1.0.2' | '4.0.1';
}

describe('CDS Hooks sandbox requests', () => {
  let app: FastifyInstance;
  let r4: Server;
  let dstu2: Server;
  let templates: Record<string, string>;

  beforeAll(async () => {
    // Pages of 4: the eight injections come back over two pages, in the server's own (HAPI) paging style.
    const [r4Fhir, dstu2Fhir] = await Promise.all([
      startFhirStandIn({ resources: R4_CHART(), pageSize: 4, vendor: SANDBOX_R4.behaviour }),
      startFhirStandIn({ resources: DSTU2_CHART(), pageSize: 4, vendor: SANDBOX_DSTU2.behaviour }),
    ]);
    r4 = { fhir: r4Fhir, version: '4.0.1' };
    dstu2 = { fhir: dstu2Fhir, version: '1.0.2' };
    app = await buildTestApp({
      env: {
        CDS_AUTH: 'required',
        CDS_TRUST_SANDBOX: 'true',
        CDS_SANDBOX_FHIR_SERVERS: [r4Fhir.base, dstu2Fhir.base].join(','),
        PUBLIC_BASE_URL: 'http://localhost:3000',
        FHIR_FETCH_DEADLINE_MS: '5000',
        LOAD_SHEDDING_ENABLED: 'false',
      },
    });
    // The sandbox reads the prefetch templates from the discovery document (one set, shared by the services).
    const discovery = await app.inject({
      method: 'GET',
      url: '/cds-services',
      headers: bearer(await sandboxToken('http://localhost:3000/cds-services')),
    });
    templates = (discovery.json() as { services: { prefetch: Record<string, string> }[] }).services[0]!
      .prefetch;
  });
  afterAll(async () => {
    await app.close();
    await r4.fhir.close();
    await dstu2.fhir.close();
  });

  /**
   * service-exchange.js `prefetchDataPromises`: every template filled with the context and fetched (GET here, the
   * sandbox's fallback after `POST _search`); a key the server does not answer with 2xx is left out. The page it
   * got is sent as it came, `next` link included.
   */
  async function sandboxPrefetch(server: Server, token?: string): Promise<Record<string, FhirResource>> {
    const out: Record<string, FhirResource> = {};
    await Promise.all(
      Object.entries(templates).map(async ([key, template]) => {
        const query = template.replaceAll('{{context.patientId}}', SANDBOX_PATIENT);
        const [path, search] = query.split('?');
        const params = new URLSearchParams(search ?? '');
        const url = `${server.fhir.base}/${path}${search ? `?${params.toString()}` : ''}`;
        const res = await fetch(url, {
          headers: {
            accept: 'application/json+fhir',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        });
        if (res.ok) out[key] = (await res.json()) as FhirResource;
      }),
    );
    return out;
  }

  async function call(
    hook: 'patient-view' | 'order-select' | 'order-sign',
    server: Server,
    options: { drug?: SandboxDrug; authorized?: boolean; noPrefetch?: boolean } = {},
  ) {
    const auth = options.authorized ? SANDBOX_FHIR_AUTHORIZATION : undefined;
    const prefetch = options.noPrefetch ? {} : await sandboxPrefetch(server, auth?.access_token);
    const draft =
      hook === 'patient-view'
        ? undefined
        : sandboxDraft(server.version, options.drug, options.drug ? { pills: 1, perDay: 1 } : undefined);
    const body = sandboxRequest(hook, server.fhir.base, {
      ...(draft ? { draft } : {}),
      prefetch,
      ...(auth ? { fhirAuthorization: auth } : {}),
    });
    server.fhir.seen.length = 0;
    const path = `/cds-services/${SERVICE[hook]}`;
    const res = await app.inject({
      method: 'POST',
      url: path,
      headers: {
        ...bearer(await sandboxToken(`http://localhost:3000${path}`)),
        accept: 'application/json',
      },
      payload: body,
    });
    const relative = server.fhir.seen.map((s) =>
      decodeURIComponent(s.url.slice(new URL(server.fhir.base).pathname.length + 1)),
    );
    return { res, body, prefetch, relative, seen: [...server.fhir.seen] };
  }

  describe('R4 server (/v/r4/fhir, HAPI)', () => {
    it('the sandbox fills every key on R4; paged answers carry HAPI `_getpages` next links', async () => {
      const prefetch = await sandboxPrefetch(r4);
      expect(Object.keys(prefetch).sort()).toEqual(Object.keys(templates).sort());
      const administrations = prefetch.medicationAdministrations as unknown as {
        link: { relation: string; url: string }[];
      };
      expect(administrations.link.find((l) => l.relation === 'next')?.url).toContain('?_getpages=');
    });

    it('patient-view: DMAB-LAPSE (critical), the rest of the paged prefetch read from its next links only', async () => {
      const { res, relative, seen } = await call('patient-view', r4);
      const { cards } = expectValidCdsResponse(res);
      expect(codesOf(cards)).toEqual(['DMAB-LAPSE']);
      expect(cards[0]!.indicator).toBe('critical');
      expect(cards[0]!.summary).toContain('2024-05-15');
      // Suggestions as the hl7 profile writes them: a choice of one, each a create of a FHIR R4 request.
      expect(cards[0]!.selectionBehavior).toBe('at-most-one');
      for (const action of actionsOf(cards[0]!)) {
        expect(action.type).toBe('create');
        expect(['MedicationRequest', 'ServiceRequest']).toContain(
          (action.resource as FhirResource).resourceType,
        );
      }
      // No search was repeated: only the continuation pages of the prefetch Bundles, and no token (open server).
      expect(relative.length).toBeGreaterThan(0);
      expect(relative.every((q) => isContinuation(q))).toBe(true);
      expect(seen.every((s) => s.authorization === undefined)).toBe(true);
    });

    it('order-select on entering Rx View (no drug chosen yet): the status card only, 200', async () => {
      const { res, body } = await call('order-select', r4);
      expect((body.context as { selections: string[] }).selections).toEqual([
        'MedicationRequest/request-123',
      ]);
      const { cards } = expectValidCdsResponse(res);
      expect(codesOf(cards)).toEqual(['DMAB-LAPSE']);
    });

    it('order-select, alendronate chosen: DMAB-ORALBP-AFTER-LONG (warning) in place of the lapse card', async () => {
      const { res } = await call('order-select', r4, { drug: ALENDRONATE_35 });
      const { cards } = expectValidCdsResponse(res);
      expect(codesOf(cards)).toEqual(['DMAB-ORALBP-AFTER-LONG']);
      const card = cards[0]!;
      expect(card.indicator).toBe('warning');
      expect(card.suggestions?.length).toBeGreaterThan(0);
      expect(card.selectionBehavior).toBe('at-most-one');
      for (const s of card.suggestions ?? []) expect(s.actions?.length).toBeGreaterThan(0);
    });

    it('order-sign (Sign pressed), risedronate, after a SMART launch: the token reaches the FHIR server', async () => {
      const { res, body, seen } = await call('order-sign', r4, { drug: RISEDRONATE_150, authorized: true });
      expect(body.fhirAuthorization).toEqual(SANDBOX_FHIR_AUTHORIZATION);
      expect((body.context as Record<string, unknown>).selections).toBeUndefined();
      const { cards } = expectValidCdsResponse(res);
      expect(codesOf(cards)).toEqual(['DMAB-ORALBP-AFTER-LONG']);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((s) => s.authorization === `Bearer ${SANDBOX_FHIR_AUTHORIZATION.access_token}`)).toBe(
        true,
      );
    });
  });

  describe('default DSTU2 server (/v/r2/fhir): no MedicationRequest, no ChargeItem', () => {
    it('the sandbox leaves out the keys its DSTU2 server answers 404 (medicationRequests, chargeItems)', async () => {
      const prefetch = await sandboxPrefetch(dstu2);
      const missing = Object.keys(templates).filter((k) => !(k in prefetch));
      expect(missing.sort()).toEqual(['chargeItems', 'medicationRequests']);
    });

    it('patient-view: DMAB-LAPSE; the service reads MedicationOrder for the missing key, never ChargeItem', async () => {
      const { res, relative } = await call('patient-view', dstu2);
      const { cards } = expectValidCdsResponse(res);
      expect(codesOf(cards)).toEqual(['DMAB-LAPSE']);
      expect(cards[0]!.indicator).toBe('critical');
      expect(cards[0]!.detail).not.toMatch(/not available from this EHR/);
      const searches = relative.filter((q) => !isContinuation(q));
      // The Conformance statement (cached after the first call) says DSTU2 and lists MedicationOrder, no ChargeItem.
      expect(searches).toEqual([`MedicationOrder?patient=${SANDBOX_PATIENT}&_count=200`]);
      expect(relative.some((q) => q.includes('MedicationRequest') || q.includes('ChargeItem'))).toBe(false);
    });

    it('order-select with a MedicationOrder draft (order-123), alendronate: DMAB-ORALBP-AFTER-LONG', async () => {
      const { res, body, relative } = await call('order-select', dstu2, { drug: ALENDRONATE_35 });
      expect((body.context as { selections: string[] }).selections).toEqual(['MedicationOrder/order-123']);
      const { cards } = expectValidCdsResponse(res);
      expect(codesOf(cards)).toEqual(['DMAB-ORALBP-AFTER-LONG']);
      expect(cards[0]!.indicator).toBe('warning');
      expect(cards[0]!.selectionBehavior).toBe('at-most-one');
      expect(relative.filter((q) => !isContinuation(q))).toEqual([
        `MedicationOrder?patient=${SANDBOX_PATIENT}&_count=200`,
      ]);
    });

    it('order-sign, no prefetch sent at all (every key from the DSTU2 server), with fhirAuthorization', async () => {
      const { res, body, relative, seen } = await call('order-sign', dstu2, {
        drug: RISEDRONATE_150,
        authorized: true,
        noPrefetch: true,
      });
      expect(body.prefetch).toBeUndefined();
      const { cards } = expectValidCdsResponse(res);
      expect(codesOf(cards)).toEqual(['DMAB-ORALBP-AFTER-LONG']);
      const searches = relative
        .filter((q) => !isContinuation(q))
        .map((q) => q.split('&')[0])
        .sort();
      expect(searches).toEqual([
        `Condition?patient=${SANDBOX_PATIENT}`,
        `MedicationAdministration?patient=${SANDBOX_PATIENT}`,
        `MedicationDispense?patient=${SANDBOX_PATIENT}`,
        `MedicationOrder?patient=${SANDBOX_PATIENT}`,
        `MedicationStatement?patient=${SANDBOX_PATIENT}`,
        expect.stringMatching(/^Observation\?patient=smart-1288992/),
        `Patient/${SANDBOX_PATIENT}`,
        `Procedure?patient=${SANDBOX_PATIENT}`,
      ]);
      expect(seen.every((s) => s.authorization === `Bearer ${SANDBOX_FHIR_AUTHORIZATION.access_token}`)).toBe(
        true,
      );
    });
  });
});
