import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { expectValidCdsResponse } from '../support/response-check.js';
import * as F from '../clinical/support/fhir.js';
import { hookRequest, SERVICE } from '../scenarios/support.js';
import type { Card, FhirResource, HookName } from '../../src/protocol/types.js';
import { CATALOGUE_IDS } from '../../src/clinical/findings.js';
import { catalogueIdOfTopicCode } from '../../src/ehr/topic-codes.js';
import { NDC_OID, RXNORM_OID } from '../../src/ehr/epic-profile.js';
import { loadProjectKnowledge } from '../../src/service/knowledge.js';

const cardCatalogue = loadProjectKnowledge().cards;

/**
 * Issue 15, items 3 and 6: response profiles. Every profile answers valid CDS Hooks 2.0 (the strict schema of
 * test/support/response-check.ts) over a set of requests that raise most of the catalogue; the epic profile sends
 * what Epic can act on; compact cards fit a narrow panel without losing the caveats.
 */

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const base = () => [F.patient(), F.osteoporosis()];

/** Requests that raise cards with suggestions, alternatives, deletes, notes and text-only matches. */
const lab = (code: string, value: number, unit: string): FhirResource => ({
  resourceType: 'Observation',
  id: `lab-${code}`,
  status: 'final',
  code: { coding: [{ system: F.LOINC, code }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2025-06-01',
  valueQuantity: { value, unit },
});
/** Normal, current labs: zoledronic acid may be offered as the alternative to denosumab. */
const currentLabs = () => [
  lab('2160-0', 0.8, 'mg/dL'),
  lab('62238-1', 75, 'mL/min/{1.73_m2}'),
  lab('17861-6', 9.5, 'mg/dL'),
  lab('62292-8', 35, 'ng/mL'),
];

const SCENARIOS: [string, HookName, FhirResource[], FhirResource[]?][] = [
  ['lapse (critical, two alternatives)', 'patient-view', [...base(), F.prolia('2024-05-15')]],
  ['overdue (warning)', 'patient-view', [...base(), F.prolia('2024-11-15')]],
  ['long gap', 'patient-view', [...base(), F.prolia('2022-05-15')]],
  [
    'lapse with current labs (denosumab or zoledronic acid)',
    'patient-view',
    [...base(), F.prolia('2024-05-15'), ...currentLabs()],
  ],
  [
    'transition monitor',
    'patient-view',
    [...base(), F.prolia('2024-05-15'), F.administration(F.ZOLEDRONATE_5, '2024-11-20')],
  ],
  [
    'suspected rebound fracture',
    'patient-view',
    [...base(), F.prolia('2024-06-01'), F.condition(F.icd('S32.010A'), { onset: '2025-04-20' })],
  ],
  ['recent fracture', 'patient-view', [...base(), F.condition(F.icd('S32.010A'), { onset: '2024-10-15' })]],
  [
    'denosumab by text only',
    'patient-view',
    [...base(), F.administration({ text: 'denosumab 60 mg SC' }, '2024-05-15')],
  ],
  [
    'kyphoplasty draft in rebound (delete + alternatives)',
    'order-select',
    [...base(), F.prolia('2024-06-01'), F.condition(F.icd('S32.010A'), { onset: '2025-04-20' })],
    [F.serviceRequest({ system: F.CPT, code: '22514' }, 'kp')],
  ],
  [
    'romosozumab after a stroke',
    'order-sign',
    [...base(), F.condition(F.icd('I63.9'), { onset: '2025-01-01' })],
    [F.draftMedication(F.ROMOSOZUMAB, 'r1')],
  ],
  [
    'zoledronic acid with low creatinine clearance',
    'order-select',
    [
      ...base(),
      F.prolia('2024-05-15'),
      {
        resourceType: 'Observation',
        id: 'egfr',
        status: 'final',
        code: { coding: [{ system: F.LOINC, code: '62238-1' }] },
        subject: { reference: 'Patient/p1' },
        effectiveDateTime: '2025-06-01',
        valueQuantity: { value: 25, unit: 'mL/min/{1.73_m2}' },
      },
    ],
    [F.draftMedication(F.ZOLEDRONATE_5, 'z1')],
  ],
];

async function run(
  app: FastifyInstance,
  hook: HookName,
  resources: FhirResource[],
  drafts: FhirResource[] = [],
) {
  const res = await app.inject({
    method: 'POST',
    url: `/cds-services/${SERVICE[hook]}`,
    payload: hookRequest(hook, resources, hook === 'patient-view' ? {} : { drafts }),
  });
  return expectValidCdsResponse(res).cards;
}

const actionsOf = (card: Card) => (card.suggestions ?? []).flatMap((s) => s.actions ?? []);
const medicationCodings = (card: Card) =>
  actionsOf(card)
    .filter((a) => a.resource?.resourceType === 'MedicationRequest')
    .map(
      (a) => (a.resource!.medicationCodeableConcept as { coding: { system: string; code: string }[] }).coding,
    );

describe('response profiles', () => {
  const apps: Record<string, FastifyInstance> = {};
  const answers: Record<string, Card[][]> = {};
  beforeAll(async () => {
    for (const profile of ['hl7', 'epic', 'oracle-health'] as const) {
      apps[profile] = await buildTestApp({
        env: {
          CDS_RESPONSE_PROFILE: profile,
          // The machine is shared: load shedding must not answer 503 to a test under heavy load.
          LOAD_SHEDDING_ENABLED: 'false',
          ANALYTICS_ADMIN_TOKEN: ADMIN_TOKEN,
          PATIENT_HASH_SECRET: 'test-patient-hash-secret-0123456789abcdef',
          FEEDBACK_FLUSH_INTERVAL_MS: '60000',
        },
      });
      answers[profile] = [];
      for (const [, hook, resources, drafts] of SCENARIOS) {
        answers[profile].push(await run(apps[profile], hook, resources, drafts));
      }
    }
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app.close();
  });

  it('every profile answers valid CDS Hooks 2.0 with the same cards (ids and indicators) for every scenario', () => {
    const view = (cards: Card[]) =>
      cards.map((c) => `${catalogueIdOfTopicCode(c.source.topic?.code)}:${c.indicator}`).sort();
    SCENARIOS.forEach(([name], i) => {
      expect(answers.hl7![i]!.length, name).toBeGreaterThan(0);
      expect(view(answers.epic![i]!), name).toEqual(view(answers.hl7![i]!));
      expect(view(answers['oracle-health']![i]!), name).toEqual(view(answers.hl7![i]!));
    });
  });

  it('the scenarios reach suggestions, alternatives and a delete action (so the epic checks mean something)', () => {
    const hl7 = answers.hl7!.flat();
    expect(hl7.some((c) => c.selectionBehavior === 'at-most-one' && (c.suggestions?.length ?? 0) > 1)).toBe(
      true,
    );
    expect(hl7.some((c) => actionsOf(c).some((a) => a.type === 'delete'))).toBe(true);
    expect(hl7.some((c) => (c.suggestions ?? []).some((s) => (s.actions?.length ?? 0) > 1))).toBe(true);
    expect(hl7.some((c) => c.indicator !== 'critical')).toBe(true);
  });

  describe('hl7 (the default): the cards as rendered', () => {
    it('keeps the catalogue ids, at-most-one alternatives and multi-action suggestions', () => {
      const lapse = answers.hl7![0]!.find((c) => c.source.topic?.code === 'DMAB-LAPSE')!;
      expect(lapse.selectionBehavior).toBe('at-most-one');
      expect(lapse.suggestions!.some((s) => s.actions!.length > 1)).toBe(true);
      expect(
        medicationCodings(lapse)
          .flat()
          .some((c) => c.system === RXNORM_OID),
      ).toBe(false);
    });
  });

  describe('epic', () => {
    const epicCards = () => answers.epic!.flat();

    it('selectionBehavior "any" and exactly one action per suggestion, on every card', () => {
      for (const card of epicCards()) {
        if (!card.suggestions) continue;
        expect(card.selectionBehavior).toBe('any');
        for (const s of card.suggestions) expect(s.actions).toHaveLength(1);
      }
    });

    it('alphanumeric topic codes (≤ 100 characters) that map back to the catalogue ids', () => {
      const ids = new Set<string>(CATALOGUE_IDS);
      for (const card of epicCards()) {
        const code = card.source.topic!.code;
        expect(code).toMatch(/^[A-Za-z0-9]{1,100}$/);
        expect(ids.has(catalogueIdOfTopicCode(code)!)).toBe(true);
      }
      expect(catalogueIdOfTopicCode('DMABLAPSE')).toBe('DMAB-LAPSE');
      expect(catalogueIdOfTopicCode('ORDERROMOCVOLD')).toBe('ORDER-ROMO-CV-OLD');
      expect(catalogueIdOfTopicCode('NOT-OURS')).toBeUndefined();
    });

    const what = (a: { resource?: FhirResource; type: string; resourceId?: string }) =>
      a.resource
        ? `${a.type}|${JSON.stringify({ ...a.resource, id: undefined, medicationCodeableConcept: undefined })}`
        : `${a.type}|${a.resourceId}`;
    /** Pairs of (hl7 card, epic card) over every scenario. */
    const pairs = () =>
      SCENARIOS.flatMap((_, i) =>
        answers
          .hl7![i]!.map((hl7, j) => [hl7, answers.epic![i]![j]!] as const)
          .filter(([h]) => h.suggestions),
      );

    it('every order of every hl7 card is still offered, each once, and the recommended ones stay recommended', () => {
      for (const [hl7, epic] of pairs()) {
        const hl7Orders = new Set(actionsOf(hl7).map(what));
        const epicOrders = actionsOf(epic).map(what);
        expect(new Set(epicOrders)).toEqual(hl7Orders);
        expect(epicOrders.length).toBe(hl7Orders.size);
        const recommendedInHl7 = new Set(
          hl7.suggestions!.filter((s) => s.isRecommended).flatMap((s) => s.actions!.map(what)),
        );
        for (const s of epic.suggestions!) {
          expect(s.isRecommended === true, s.label).toBe(recommendedInHl7.has(what(s.actions![0]!)));
        }
      }
    });

    it('alternatives with exclusive treatments (a medication or a deletion in one option only) say "choose one"', () => {
      let labelledCards = 0;
      for (const [hl7, epic] of pairs()) {
        const counts = new Map<string, number>();
        for (const s of hl7.suggestions!)
          for (const w of new Set(s.actions!.map(what))) counts.set(w, (counts.get(w) ?? 0) + 1);
        const exclusive = (a: { type: string; resource?: FhirResource }) =>
          counts.get(what(a)) === 1 &&
          (a.type === 'delete' || a.resource?.resourceType === 'MedicationRequest');
        const options = hl7.suggestions!.filter((s) => s.actions!.some(exclusive));
        const labelled = hl7.selectionBehavior === 'at-most-one' && options.length > 1;
        for (const s of epic.suggestions!) {
          const action = s.actions![0]!;
          const hl7Action = actionsOf(hl7).find((a) => what(a) === what(action))!;
          expect(action.description.startsWith('Choose one — option '), action.description).toBe(
            labelled && exclusive(hl7Action),
          );
          expect(action.description.endsWith(hl7Action.description)).toBe(true);
        }
        expect(epic.detail?.includes('alternatives: accept the orders of one option only') ?? false).toBe(
          labelled,
        );
        if (labelled) labelledCards++;
      }
      expect(labelledCards, 'a scenario with exclusive alternatives').toBeGreaterThan(0);
    });

    it('medication orders carry RxNorm with its OID system (the URL coding is kept)', () => {
      const codings = epicCards().flatMap(medicationCodings);
      expect(codings.length).toBeGreaterThan(0);
      for (const list of codings) {
        const rxnorm = list.find((c) => c.system === 'http://www.nlm.nih.gov/research/umls/rxnorm');
        expect(rxnorm).toBeDefined();
        expect(list).toContainEqual(expect.objectContaining({ system: RXNORM_OID, code: rxnorm!.code }));
        expect(list.some((c) => c.system === NDC_OID)).toBe(false); // NDC only from a site mapping
      }
    });

    it('the delete action of a draft is a suggestion of its own', () => {
      const augment = answers.epic![SCENARIOS.findIndex(([n]) => n.startsWith('kyphoplasty'))]!.find(
        (c) => c.source.topic?.code === 'ORDERAUGMENTRVFX',
      )!;
      const deletes = augment.suggestions!.filter((s) => s.actions![0]!.type === 'delete');
      expect(deletes).toHaveLength(1);
      expect(deletes[0]!.actions![0]!.resourceId).toBe('ServiceRequest/kp');
    });

    it('the card log and /analytics/cards keep the catalogue id (DMAB-LAPSE), and accepted suggestions count', async () => {
      const app = apps.epic!;
      const [card] = (await run(app, 'patient-view', [...base(), F.prolia('2024-05-15')])).filter(
        (c) => c.source.topic?.code === 'DMABLAPSE',
      );
      const res = await app.inject({
        method: 'POST',
        url: `/cds-services/${SERVICE['patient-view']}/feedback`,
        payload: {
          feedback: [
            {
              card: card!.uuid,
              outcome: 'accepted',
              acceptedSuggestions: [{ id: card!.suggestions![0]!.uuid }],
              outcomeTimestamp: '2025-06-15T12:01:00.000Z',
            },
          ],
        },
      });
      expect(res.statusCode).toBe(200);
      expect(await app.feedbackStore.queue.flush()).toBe(true);
      const analytics = await app.inject({
        method: 'GET',
        url: '/analytics/cards?from=2025-01-01&to=2026-01-01',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const groups = (analytics.json() as { groups: { catalogueId: string; accepted: number }[] }).groups;
      expect(groups.map((g) => g.catalogueId)).toContain('DMAB-LAPSE');
      expect(groups.map((g) => g.catalogueId).some((id) => !id.includes('-'))).toBe(false);
      expect(groups.find((g) => g.catalogueId === 'DMAB-LAPSE')!.accepted).toBe(1);
    });
  });

  describe('oracle-health: compact non-critical cards for the sidebar', () => {
    it('critical cards (pop-ups) are sent in full', () => {
      SCENARIOS.forEach((_, i) => {
        const full = answers.hl7![i]!;
        answers['oracle-health']![i]!.forEach((card, j) => {
          if (card.indicator === 'critical') expect(card.detail).toBe(full[j]!.detail);
        });
      });
    });

    it('non-critical cards: the finding with its date, the action, one source, the footer; evidence through links', () => {
      const overdue = answers['oracle-health']![1]!.find((c) => c.source.topic?.code === 'DMAB-OVERDUE')!;
      const full = answers.hl7![1]!.find((c) => c.source.topic?.code === 'DMAB-OVERDUE')!;
      expect(overdue.indicator).toBe('warning');
      expect(overdue.summary).toBe(full.summary);
      expect(overdue.detail!.length).toBeLessThan(full.detail!.length * 0.7);
      expect(overdue.detail!.split('\n\n')[0]).toBe(full.detail!.split('\n\n')[0]);
      expect(overdue.detail).toMatch(/\d{4}-\d{2}-\d{2}/);
      // The action: the content's lead line, or the recommended suggestion.
      const recommended = full.suggestions!.find((s) => s.isRecommended)!.label;
      expect(
        overdue.detail!.includes(`**Action:** ${recommended}`) || /^\*\*[^*]+\*\*/.test(overdue.detail!),
      ).toBe(true);
      expect(overdue.detail).toMatch(/\*\*Source:\*\* \[[^\]]+\]\(https:\/\//);
      expect(overdue.detail).not.toContain(`**${cardCatalogue.meta.sourcesHeading}**`);
      expect(overdue.detail).not.toContain(`**${cardCatalogue.meta.evidenceHeading}**`);
      expect(overdue.detail).toMatch(/Card DMAB-OVERDUE/);
      expect(overdue.links!.length).toBeGreaterThan(0);
      expect(overdue.suggestions).toEqual(
        full.suggestions!.map((s) => ({ ...s, uuid: expect.any(String), actions: expect.any(Array) })),
      );
    });

    it('a compact card keeps the notes (e.g. why a suggestion is withheld)', () => {
      for (const [i] of SCENARIOS.entries()) {
        answers['oracle-health']![i]!.forEach((card, j) => {
          const full = answers.hl7![i]![j]!;
          const notes = full.detail!.split('\n\n');
          const at = notes.indexOf(`**${cardCatalogue.meta.notesHeading}**`);
          if (at >= 0) expect(card.detail).toContain(notes[at + 1]);
        });
      }
    });

    it('a compact card keeps the text-match caveat', () => {
      const i = SCENARIOS.findIndex(([name]) => name === 'denosumab by text only');
      const full = answers.hl7![i]!.find((c) => c.detail?.includes(cardCatalogue.meta.textMatchSentence));
      expect(full, 'the scenario raises a text-matched card').toBeDefined();
      const compact = answers['oracle-health']![i]!.find(
        (c) => c.source.topic?.code === full!.source.topic?.code,
      )!;
      expect(compact.indicator).not.toBe('critical'); // a text-only match is capped at warning
      expect(compact.detail).toContain(cardCatalogue.meta.textMatchSentence);
      expect(compact.detail!.length).toBeLessThan(full!.detail!.length);
    });
  });
});
