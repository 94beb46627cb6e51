import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidCdsResponse } from '../support/response-check.js';
import { bearer } from '../security/support/auth-app.js';
import * as F from '../clinical/support/fhir.js';
import { SERVICE } from '../scenarios/support.js';
import type { FhirResource } from '../../src/protocol/types.js';
import { RXNORM_OID } from '../../src/ehr/epic-profile.js';
import { actionsOf, buildVendorApp, codesOf, EPIC_ISS, type VendorApp } from './support/vendor-app.js';

/**
 * Requests shaped as Epic sends them, from Epic's public CDS Hooks documentation:
 * - fhir.epic.com/Documentation?docId=cds-hooks ("CDS Hooks" tutorial: "Trusting CDS Clients" — RS384, jku on the
 *   EHR, base64 thumbprint kid, `aud` configured by hand, `iss` the organisation's FHIR base, nbf 5 minutes early;
 *   "order-select / order-sign context" — draftOrders Bundle `type: collection`, draft ids of about 190 characters,
 *   the Medication as a separate entry since February 2024; "Prefetch" — configured by the health system, empty
 *   results carry an OperationOutcome entry, an extra `-user` key);
 * - summary with sources: /work/shared/cds-hooks/ehr-notes.md.
 * Checked: status, a valid CDS Hooks 2.0 response, the card ids, and suggestions in the shape Epic accepts
 * (selectionBehavior "any", one action per suggestion, alphanumeric topic codes, RxNorm OID codings).
 */
const EPIC_DRAFT_ID = `eZmV3Ymr.Z0N1bmRjLVlhbWl0ZS1QYXRpZW50LU9yZGVy${'Lk1lZGljYXRpb25SZXF1ZXN0LURyYWZ0'.repeat(5)}3`;
const PATIENT = 'erXuFYUfucBZaryVksYEcMg3';
const subject = { reference: `Patient/${PATIENT}` };

/** Epic's empty prefetch result: a searchset whose only entry is an OperationOutcome. */
const emptyResult = () => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: 0,
  entry: [
    {
      resource: {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'warning', code: 'processing', details: { text: 'No resources found' } }],
      },
      search: { mode: 'outcome' },
    },
  ],
});
const searchset = (resources: FhirResource[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.length,
  entry: resources.map((resource) => ({
    fullUrl: `${EPIC_ISS}/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode: 'match' },
  })),
});

function epicRequest(
  hook: string,
  context: Record<string, unknown>,
  byKey: Record<string, FhirResource[]> = {},
) {
  const prefetch: Record<string, unknown> = {
    patient: { resourceType: 'Patient', id: PATIENT, gender: 'female', birthDate: '1950-03-02' },
    // The `-user` key Epic adds to every hook call.
    'patient-user': { resourceType: 'Practitioner', id: 'eM5CWtq15N0WJeuCet5bJlQ3' },
  };
  for (const key of [
    'medicationAdministrations',
    'medicationStatements',
    'medicationRequests',
    'conditions',
    'procedures',
    'observations',
    'medicationDispenses',
    'chargeItems',
  ]) {
    prefetch[key] = byKey[key] ? searchset(byKey[key]) : emptyResult();
  }
  return {
    hook,
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    fhirServer: EPIC_ISS,
    fhirAuthorization: {
      access_token: 'ok'.repeat(150),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'Patient.read MedicationRequest.read',
      subject: 'epic-client-id',
    },
    context: {
      userId: 'PractitionerRole/eM5CWtq15N0WJeuCet5bJlQ3',
      patientId: PATIENT,
      encounterId: 'eE1.qs',
      ...context,
    },
    prefetch,
  };
}

const dose = (date: string): FhirResource => ({
  resourceType: 'MedicationAdministration',
  id: `ma-${date}`,
  status: 'completed',
  subject,
  medicationCodeableConcept: {
    coding: [{ system: F.RXNORM, code: '993452' }],
    text: 'PROLIA 60 MG/ML SC SOSY',
  },
  effectiveDateTime: date,
});
const stroke = (): FhirResource => ({
  ...F.condition(F.icd('I63.9'), { onset: '2025-01-01' }),
  subject,
});

describe('Epic requests (fhir.epic.com CDS Hooks tutorial)', () => {
  let t: VendorApp;
  beforeAll(async () => {
    t = await buildVendorApp();
  });
  afterAll(() => t.app.close());

  const post = async (service: string, payload: object) =>
    t.app.inject({
      method: 'POST',
      url: `/cds-services/${service}`,
      headers: bearer(await t.token('epic', `/cds-services/${service}`)),
      payload,
    });

  it('patient-view: lapse card in the epic profile (any, one action each, alphanumeric topic, RxNorm OID)', async () => {
    const res = await post(
      SERVICE['patient-view'],
      epicRequest('patient-view', {}, { medicationAdministrations: [dose('2024-05-15')] }),
    );
    const { cards } = expectValidCdsResponse(res);
    expect(codesOf(cards)).toEqual(['DMABLAPSE']);
    const [card] = cards;
    expect(card!.selectionBehavior).toBe('any');
    for (const s of card!.suggestions!) expect(s.actions).toHaveLength(1);
    const medication = actionsOf(card!).find((a) => a.resource?.resourceType === 'MedicationRequest')!;
    expect(JSON.stringify(medication.resource)).toContain(RXNORM_OID);
    expect(card!.uuid).toBeDefined(); // Epic needs it for feedback
  });

  it('order-select with Epic draft ids (~190 characters), the Medication as its own entry, type collection', async () => {
    expect(EPIC_DRAFT_ID.length).toBeGreaterThan(180);
    const draft: FhirResource = {
      resourceType: 'MedicationRequest',
      id: EPIC_DRAFT_ID,
      status: 'draft',
      intent: 'order',
      subject,
      medicationReference: {
        reference: 'Medication/eMed123',
        display: 'ROMOSOZUMAB-AQQG 105 MG/1.17ML SC SOSY',
      },
    };
    const medication: FhirResource = {
      resourceType: 'Medication',
      id: 'eMed123',
      code: { text: 'romosozumab-aqqg 105 MG/1.17 ML (Evenity)' },
    };
    const body = epicRequest(
      'order-select',
      {
        selections: [`MedicationRequest/${EPIC_DRAFT_ID}`],
        draftOrders: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [{ resource: draft }, { resource: medication }],
        },
      },
      { conditions: [stroke()] },
    );
    const { cards } = expectValidCdsResponse(await post(SERVICE['order-select'], body));
    expect(codesOf(cards)).toContain('ORDERROMOCV');
    const romo = cards.find((c) => c.source.topic?.code === 'ORDERROMOCV')!;
    expect(romo.indicator).toBe('critical');
    expect(romo.selectionBehavior).toBe('any');
    const del = actionsOf(romo).find((a) => a.type === 'delete');
    expect(del?.resourceId).toBe(`MedicationRequest/${EPIC_DRAFT_ID}`);
    for (const s of romo.suggestions!) expect(s.actions).toHaveLength(1);
  });

  it('order-sign with the same draft answers the same card', async () => {
    const body = epicRequest(
      'order-sign',
      {
        draftOrders: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [{ resource: { ...F.draftMedication(F.ROMOSOZUMAB, EPIC_DRAFT_ID), subject } }],
        },
      },
      { conditions: [stroke()] },
    );
    expect(codesOf(expectValidCdsResponse(await post(SERVICE['order-sign'], body)).cards)).toContain(
      'ORDERROMOCV',
    );
  });

  it('a call without a valid Epic token is refused (401)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/cds-services/${SERVICE['patient-view']}`,
      headers: bearer('x.y.z'),
      payload: epicRequest('patient-view', {}),
    });
    expect(res.statusCode).toBe(401);
  });
});
