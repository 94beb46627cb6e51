import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FhirResource } from '../../src/protocol/types.js';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import { SERVICE } from '../scenarios/support.js';
import * as F from '../clinical/support/fhir.js';
import { actionsOf, codesOf } from './support/vendor-app.js';
import { capabilityStatement, HAPI, SANDBOX_DSTU2 } from './vendor-profiles.js';

/**
 * The example requests of the CDS Hooks specification and of its hook pages, as fixtures
 * (test/ehr/fixtures/hl7-spec/*.json: each file names its section, URL and source line, and holds the example
 * verbatim). Adapted only where a running test needs it:
 * - `fhirServer` points at a stand-in FHIR server of the example's FHIR release (R4 and STU3: HAPI-like; DSTU2: the
 *   sandbox's DSTU2 server, vendor-profiles.ts) holding patient 1288992's chart, so that a card fires;
 * - the hook pages show `context` only: it is sent inside the envelope of the spec's own "Calling a CDS Service"
 *   example (its hookInstance and fhirAuthorization), with the example's hook name.
 * The drafts stay the examples' own (a pureed diet NutritionOrder and amoxicillin/clavulanate), which no rule of
 * this service reads: the cards come from the patient's chart, a denosumab course lapsed 13 months ago
 * (knowledge.md scenario 8: DMAB-LAPSE, critical), shown by every hook. Checked: status, a valid CDS Hooks 2.0
 * response, the card ids, the suggestion shapes, and the FHIR queries made (with the example's token).
 */

interface SpecFixture {
  source: string;
  request: Record<string, unknown> & { context: Record<string, unknown> };
}
const fixture = (name: string): SpecFixture =>
  JSON.parse(
    readFileSync(new URL(`./fixtures/hl7-spec/${name}.json`, import.meta.url), 'utf8'),
  ) as SpecFixture;

const SPEC_EXAMPLE = fixture('spec-2.0-calling-example').request;
const PAGINATION_EXAMPLE = fixture('spec-3.0-ballot-pagination-example').request;
/** The pagination example writes its ids with U+2011 (non-breaking hyphen), which no FHIR id may hold. */
const NB_HYPHEN = /\u2011/g;
const asciiIds = (request: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(request).replace(NB_HYPHEN, '-')) as Record<string, unknown>;
const PATIENT = '1288992';

type Release = 'R4' | 'STU3' | 'DSTU2';

/** Patient 1288992 (the spec's patient: male, born 1925-12-23) with a lapsed denosumab course, per release. */
function chart(release: Release): FhirResource[] {
  const ref = { reference: `Patient/${PATIENT}` };
  const owner = release === 'DSTU2' ? { patient: ref } : { subject: ref };
  const prolia = { coding: [{ system: F.RXNORM, code: '993452' }], text: 'Prolia 60 mg/mL syringe' };
  return [
    { resourceType: 'Patient', id: PATIENT, gender: 'male', birthDate: '1925-12-23', active: true },
    {
      resourceType: 'Condition',
      id: 'op',
      ...owner,
      code: { coding: [{ system: F.ICD10CM, code: 'M81.0' }] },
      onsetDateTime: '2019-01-01',
    },
    ...['2023-11-15', '2024-05-15'].map((day, i) => ({
      resourceType: 'MedicationAdministration',
      id: `dmab-${i + 1}`,
      status: 'completed',
      ...owner,
      medicationCodeableConcept: prolia,
      ...(release === 'DSTU2'
        ? { effectiveTimeDateTime: day, dosage: { quantity: { value: 60, unit: 'mg' } } }
        : { effectiveDateTime: day, dosage: { dose: { value: 60, unit: 'mg' } } }),
    })),
    ...F.normalLabs().map((o) => ({ ...o, subject: ref })),
  ];
}

const STU3_SERVER = {
  ...HAPI.behaviour,
  basePath: '/baseDstu3',
  capabilityStatement: capabilityStatement('3.0.1', {
    Patient: ['_id'],
    Medication: ['_id', 'code'],
    MedicationAdministration: ['patient', 'subject', 'code', '_id', '_sort'],
    MedicationStatement: ['patient', 'subject', 'code', '_id', '_sort'],
    MedicationRequest: ['patient', 'subject', 'code', '_id', '_sort'],
    MedicationDispense: ['patient', 'subject', 'code', '_id', '_sort'],
    Condition: ['patient', 'subject', 'code', '_id', '_sort'],
    Procedure: ['patient', 'subject', 'code', '_id', '_sort'],
    ChargeItem: ['patient', 'subject', 'code', '_id', '_sort'],
    Observation: ['patient', 'subject', 'code', 'date', '_id', '_sort'],
  }),
};

const searchesOn = (release: Release): string[] => {
  const p = `patient=${PATIENT}`;
  const common = [
    `Condition?${p}`,
    `MedicationAdministration?${p}`,
    `MedicationDispense?${p}`,
    `MedicationStatement?${p}`,
    `Patient/${PATIENT}`,
    `Procedure?${p}`,
  ];
  // DSTU2 has MedicationOrder for MedicationRequest and no ChargeItem (its Conformance lists neither).
  const extra =
    release === 'DSTU2' ? [`MedicationOrder?${p}`] : [`ChargeItem?${p}&code=J0897`, `MedicationRequest?${p}`];
  // Every search asks for pages of FHIR_FALLBACK_PAGE_SIZE (200 by default); the read does not.
  return [...common, ...extra].map((q) => (q.includes('?') ? `${q}&_count=200` : q)).sort();
};

interface Case {
  name: string;
  release: Release;
  hook: 'patient-view' | 'order-select' | 'order-sign';
  /** The request as sent: the fixture, completed and adapted as the header says. */
  request: (fhirServer: string) => Record<string, unknown>;
}

/** A hook page's `context` inside the spec example's envelope. */
const inEnvelope =
  (name: string, hook: Case['hook']) =>
  (fhirServer: string): Record<string, unknown> => ({
    hookInstance: SPEC_EXAMPLE.hookInstance,
    fhirServer,
    hook,
    fhirAuthorization: SPEC_EXAMPLE.fhirAuthorization,
    context: fixture(name).request.context,
  });

const CASES: Case[] = [
  {
    name: 'spec 2.0 "Calling a CDS Service" example (patient-view, prefetch key patientToGreet)',
    release: 'R4',
    hook: 'patient-view',
    request: (fhirServer) => ({ ...fixture('spec-2.0-calling-example').request, fhirServer }),
  },
  {
    name: 'patient-view example 1 (PractitionerRole user)',
    release: 'R4',
    hook: 'patient-view',
    request: inEnvelope('patient-view-example-1', 'patient-view'),
  },
  {
    name: 'patient-view example 2 (encounterId)',
    release: 'R4',
    hook: 'patient-view',
    request: inEnvelope('patient-view-example-2', 'patient-view'),
  },
  ...(['r4', 'stu3', 'dstu2'] as const).flatMap((v): Case[] =>
    (['order-select', 'order-sign'] as const).map((hook) => ({
      name: `${hook} example (${v.toUpperCase()}): NutritionOrder + amoxicillin draft`,
      release: v.toUpperCase() as Release,
      hook,
      request: inEnvelope(`${hook}-example-${v}`, hook),
    })),
  ),
  {
    name: 'spec 3.0-ballot pagination example (order-sign; its own `orders` key), ids with ASCII hyphens',
    release: 'R4',
    hook: 'order-sign',
    request: (fhirServer) => ({ ...asciiIds(PAGINATION_EXAMPLE), fhirServer }),
  },
];

describe('HL7 CDS Hooks specification example requests', () => {
  let app: FastifyInstance;
  const servers = new Map<Release, FhirStandIn>();

  beforeAll(async () => {
    const [r4, stu3, dstu2] = await Promise.all([
      startFhirStandIn({ resources: chart('R4'), vendor: HAPI.behaviour }),
      startFhirStandIn({ resources: chart('STU3'), vendor: STU3_SERVER }),
      startFhirStandIn({ resources: chart('DSTU2'), vendor: SANDBOX_DSTU2.behaviour }),
    ]);
    servers.set('R4', r4).set('STU3', stu3).set('DSTU2', dstu2);
    app = await buildTestApp({ env: { FHIR_FETCH_DEADLINE_MS: '5000', LOAD_SHEDDING_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await app.close();
    for (const s of servers.values()) await s.close();
  });

  it('the fixtures are the spec examples: context shapes as published', () => {
    expect(SPEC_EXAMPLE.context).toEqual({
      userId: 'Practitioner/example',
      patientId: PATIENT,
      encounterId: '89284',
    });
    const select = fixture('order-select-example-r4').request.context;
    expect(select.selections).toEqual([
      'NutritionOrder/pureeddiet-simple',
      'MedicationRequest/smart-MedicationRequest-103',
    ]);
    // The R4 example writes `doseAndRate` as an object, not the array R4 requires: read leniently, not refused.
    const entries = (select.draftOrders as { entry: { resource: FhirResource }[] }).entry;
    const dosage = (entries[1]!.resource.dosageInstruction as Record<string, unknown>[])[0]!;
    expect(Array.isArray(dosage.doseAndRate)).toBe(false);
    expect(fixture('order-select-example-dstu2').request.context.selections).toContain(
      'MedicationOrder/smart-MedicationOrder-103',
    );
  });

  it('the pagination example as published: 400 naming the draft id with its non-ASCII hyphens, not a crash', async () => {
    expect(JSON.stringify(PAGINATION_EXAMPLE)).toMatch(NB_HYPHEN);
    const res = await app.inject({
      method: 'POST',
      url: `/cds-services/${SERVICE['order-sign']}`,
      payload: { ...PAGINATION_EXAMPLE, fhirServer: servers.get('R4')!.base },
    });
    const err = expectErrorBody(res, 400);
    expect(err.message).toContain('context.draftOrders.entry.0.resource.id');
  });

  it.each(CASES)('$name', async ({ release, hook, request }) => {
    const fhir = servers.get(release)!;
    fhir.seen.length = 0;
    const res = await app.inject({
      method: 'POST',
      url: `/cds-services/${SERVICE[hook]}`,
      payload: request(fhir.base),
    });
    const { cards } = expectValidCdsResponse(res);
    expect(codesOf(cards)).toEqual(['DMAB-LAPSE']);
    const lapse = cards[0]!;
    expect(lapse.indicator).toBe('critical');
    expect(lapse.summary).toContain('2024-05-15');
    expect(lapse.selectionBehavior).toBe('at-most-one');
    const actions = actionsOf(lapse);
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) {
      expect(action.type).toBe('create');
      const resource = action.resource as FhirResource & { subject?: { reference?: string } };
      expect(['MedicationRequest', 'ServiceRequest']).toContain(resource.resourceType);
      expect(resource.subject?.reference).toBe(`Patient/${PATIENT}`);
    }
    // Nothing usable was prefetched: every key read from fhirServer, as that release names it, with the token.
    const relative = fhir.seen.map((s) =>
      decodeURIComponent(s.url.slice(new URL(fhir.base).pathname.length + 1)),
    );
    const searches = relative.filter((q) => !q.startsWith('Observation'));
    expect(searches.sort()).toEqual(searchesOn(release));
    // One Observation search: by `combo-code` where the server declares it (HAPI R4), else by `code`.
    expect(relative.filter((q) => /^Observation\?patient=1288992&(combo-)?code=/.test(q))).toHaveLength(1);
    const token = (request('x').fhirAuthorization as { access_token?: string } | undefined)?.access_token;
    expect(fhir.seen.every((s) => s.authorization === (token ? `Bearer ${token}` : undefined))).toBe(true);
  });
});
