import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidCdsResponse } from '../support/response-check.js';
import { bearer } from '../security/support/auth-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import * as F from '../clinical/support/fhir.js';
import { SERVICE } from '../scenarios/support.js';
import { buildVendorApp, codesOf, CRD_ISS, type VendorApp } from './support/vendor-app.js';

/**
 * Requests shaped as the Da Vinci CRD request generator sends them (github.com/HL7-DaVinci/crd-request-generator,
 * src/util/buildRequest.js and src/util/auth.js): RS256 tokens with `exp` = `iat` + 1 day, the fixed hookInstance
 * on every call, `fhirAuthorization.access_token: ""` on an open FHIR server, a draftOrders Bundle without `type`,
 * `extension` as an object, and only its own prefetch keys (`medicationRequestBundle`), so everything this service
 * needs comes from the FHIR server. Checked: status, a valid 2.0 response (hl7 profile), card ids, no token sent.
 */
describe('Da Vinci CRD request generator requests', () => {
  let t: VendorApp;
  let fhir: FhirStandIn;
  beforeAll(async () => {
    fhir = await startFhirStandIn({
      resources: [F.patient(), F.osteoporosis(), F.condition(F.icd('I63.9'), { onset: '2025-01-01' })],
    });
    t = await buildVendorApp([fhir.base]);
  });
  afterAll(async () => {
    await t.app.close();
    await fhir.close();
  });

  function crdRequest(hook: 'order-select' | 'order-sign') {
    const request = F.draftMedication(F.ROMOSOZUMAB, 'romo-1');
    const body: Record<string, unknown> = {
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      fhirServer: fhir.base,
      hook,
      fhirAuthorization: {
        access_token: '',
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'patient/Patient.read patient/Observation.read',
        subject: 'cds-service4',
      },
      context: {
        userId: 'Practitioner/example',
        patientId: 'p1',
        encounterId: 'enc89284',
        draftOrders: { resourceType: 'Bundle', entry: [{ resource: request }] },
        ...(hook === 'order-select' ? { selections: ['MedicationRequest/romo-1'] } : {}),
      },
      extension: { 'davinci-crd.configuration': { 'alt-drug': true } },
      prefetch: {
        medicationRequestBundle: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [{ resource: request }],
        },
      },
    };
    return body;
  }

  it.each(['order-select', 'order-sign'] as const)(
    '%s: day-long RS256 token accepted, data from the FHIR server without a token, the romosozumab card in hl7 shape',
    async (hook) => {
      fhir.seen.length = 0;
      const path = `/cds-services/${SERVICE[hook]}`;
      const res = await t.app.inject({
        method: 'POST',
        url: path,
        headers: bearer(await t.token('crd', path)),
        payload: crdRequest(hook),
      });
      const { cards } = expectValidCdsResponse(res);
      expect(codesOf(cards)).toContain('ORDER-ROMO-CV');
      const romo = cards.find((c) => c.source.topic?.code === 'ORDER-ROMO-CV')!;
      if (romo.suggestions) expect(romo.selectionBehavior).toBe('at-most-one');
      expect(fhir.seen.length).toBeGreaterThan(0);
      expect(fhir.seen.every((r) => r.authorization === undefined)).toBe(true);
    },
  );

  it('the issuer is the EHR FHIR base of the generator', () => {
    expect(CRD_ISS).toMatch(/^http:\/\//);
  });
});
