/* eslint-disable @typescript-eslint/no-explicit-any -- these tests navigate untyped FHIR resources in suggestions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Card, FhirResource, HookName } from '../../src/protocol/types.js';
import { buildTestApp } from '../support/build-app.js';
import * as F from '../clinical/support/fhir.js';
import { hookRequest, SERVICE, type HookRequestOptions } from './support.js';

/**
 * Product decisions 20–25 and the corrected statements of the CDS-committee review (issue #14), through HTTP.
 * Each decision test failed on the code before the review.
 */

type Action = NonNullable<NonNullable<Card['suggestions']>[number]['actions']>[number];
type Resource = Record<string, any>;

async function cardsFor(
  app: FastifyInstance,
  hook: HookName,
  resources: FhirResource[],
  opts: HookRequestOptions = {},
): Promise<Card[]> {
  const res = await app.inject({
    method: 'POST',
    url: `/cds-services/${SERVICE[hook]}`,
    payload: hookRequest(hook, resources, opts),
  });
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body}`);
  return (res.json() as { cards: Card[] }).cards;
}

const card = (cards: Card[], code: string) => {
  const found = cards.find((c) => c.source.topic?.code === code);
  if (!found) throw new Error(`no ${code} card in ${cards.map((c) => c.source.topic?.code).join(', ')}`);
  return found;
};
const actionsOf = (c: Card): Action[] => (c.suggestions ?? []).flatMap((s) => s.actions ?? []);
const medication = (a: Action) => (a.resource as Resource | undefined)?.medicationCodeableConcept?.text ?? '';
const isZoledronate = (a: Action) => a.type === 'create' && /zoledronic/i.test(medication(a));
const loinc = (a: Action) =>
  (a.resource as Resource | undefined)?.code?.coding?.[0]?.code as string | undefined;
const recommended = (c: Card) => c.suggestions?.find((s) => s.isRecommended);

const base = () => [F.patient(), F.osteoporosis()];
/** Current, normal labs (calcium, creatinine, eGFR, 25-OH D) from 2025-06-01 plus a body weight for Cockcroft–Gault. */
const currentLabs = () => [...F.normalLabs('2025-06-01'), F.observation('29463-7', 62, 'kg', '2025-06-01')];
/** Eleven 6-monthly Prolia doses ending 2024-06-01 and alendronate (an active order) since 2024-12-01. */
const longCourseThenAlendronate = () => [
  ...Array.from({ length: 11 }, (_, i) =>
    F.prolia(`${2019 + Math.floor(i / 2)}-${i % 2 === 0 ? '06' : '12'}-01`),
  ),
  F.medicationRequest(F.ALENDRONATE_70, { id: 'alendronate-1', authoredOn: '2024-12-01', doseMg: 70 }),
];

describe('governance decisions 20–25 (issue #14)', () => {
  let app: FastifyInstance;
  let euApp: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
    euApp = await buildTestApp({ env: { LABEL_JURISDICTION: 'eu' } });
  });
  afterAll(async () => {
    await app.close();
    await euApp.close();
  });

  describe('decision 20: zoledronic acid only on current labs', () => {
    it('no labs on file: the zoledronic acid suggestion becomes "labs first" and names what is missing', async () => {
      const cards = await cardsFor(app, 'patient-view', [...base(), F.prolia('2024-08-15')]);
      const lapse = card(cards, 'DMAB-LAPSE');
      expect(actionsOf(lapse).some(isZoledronate)).toBe(false);
      const labsFirst = lapse.suggestions!.find((s) => /zoledronic acid follows the results/.test(s.label))!;
      expect(labsFirst.label).toMatch(/no creatinine or eGFR in the last 30 days/);
      expect(labsFirst.label).toMatch(/no calcium in the last 30 days/);
      expect(labsFirst.actions!.map(loinc)).toEqual(expect.arrayContaining(['2160-0', '17861-6']));
      // CTX "3 and 6 months after the infusion" is not ordered when there is no infusion.
      expect(labsFirst.actions!.map(loinc)).not.toContain('41171-0');
      expect(lapse.detail).toMatch(/Zoledronic acid is offered only on current labs/);
    });

    it('labs older than 30 days count as missing; the threshold is configurable', async () => {
      const stale = [...base(), F.prolia('2024-08-15'), ...F.normalLabs('2025-05-01')];
      const lapse = card(await cardsFor(app, 'patient-view', stale), 'DMAB-LAPSE');
      expect(actionsOf(lapse).some(isZoledronate)).toBe(false);
      const relaxed = await buildTestApp({ env: { CDS_THRESHOLDS: '{"zoledronateLabsMaxAgeDays":60}' } });
      try {
        const ok = card(await cardsFor(relaxed, 'patient-view', stale), 'DMAB-LAPSE');
        expect(actionsOf(ok).some(isZoledronate)).toBe(true);
      } finally {
        await relaxed.close();
      }
    });

    it('a deficient 25-OH vitamin D holds zoledronic acid back until it is repleted', async () => {
      const labs = [
        ...currentLabs().filter((r) => (r as Resource).code.coding[0].code !== '62292-8'),
        F.observation('62292-8', 12, 'ng/mL', '2025-06-01'),
      ];
      const lapse = card(
        await cardsFor(app, 'patient-view', [...base(), F.prolia('2024-08-15'), ...labs]),
        'DMAB-LAPSE',
      );
      expect(actionsOf(lapse).some(isZoledronate)).toBe(false);
      expect(lapse.suggestions!.some((s) => /25-OH vitamin D 12 ng\/mL .* deficient/.test(s.label))).toBe(
        true,
      );
    });

    it('with current labs: one suggestion gives zoledronic acid (hydration, calcium/vitamin D) and stops the oral bisphosphonate', async () => {
      const cards = await cardsFor(app, 'patient-view', [
        ...base(),
        ...longCourseThenAlendronate(),
        ...currentLabs(),
      ]);
      const oralBp = card(cards, 'DMAB-ORALBP-AFTER-LONG');
      const primary = recommended(oralBp)!;
      const infusion = primary.actions!.find(isZoledronate)!;
      const dosage = (infusion.resource as Resource).dosageInstruction[0].text as string;
      expect(dosage).toMatch(/[Hh]ydrate/);
      expect(dosage).toMatch(/calcium and vitamin D/);
      expect(primary.actions).toContainEqual(
        expect.objectContaining({ type: 'delete', resourceId: 'MedicationRequest/alendronate-1' }),
      );
    });

    it('a follow-on after denosumab is dated at last dose + 6 months, not today', async () => {
      // Six doses to 2025-03-01 (long course), alendronate since 2025-04-01: the infusion belongs on 2025-09-01.
      const doses = ['2022-09-01', '2023-03-01', '2023-09-01', '2024-03-01', '2024-09-01', '2025-03-01'];
      const cards = await cardsFor(app, 'patient-view', [
        ...base(),
        ...doses.map((d) => F.prolia(d)),
        F.medicationRequest(F.ALENDRONATE_70, { id: 'aln-2', authoredOn: '2025-04-01', doseMg: 70 }),
        ...currentLabs(),
      ]);
      const infusion = actionsOf(card(cards, 'DMAB-ORALBP-AFTER-LONG')).find(isZoledronate)!;
      const dosage = (infusion.resource as Resource).dosageInstruction[0];
      expect(dosage.timing.event).toEqual(['2025-09-01']);
      // The CTX checks are dated from the infusion, not from today.
      const ctx = actionsOf(card(cards, 'DMAB-ORALBP-AFTER-LONG')).filter((a) => loinc(a) === '41171-0');
      expect(ctx.map((a) => (a.resource as Resource).occurrenceDateTime)).toEqual([
        '2025-12-01',
        '2026-03-01',
      ]);
      // A planned infusion brings its own calcium and creatinine checks on that day, and the oral bisphosphonate is
      // not stopped months before the infusion (no gap in therapy).
      const actions = actionsOf(card(cards, 'DMAB-ORALBP-AFTER-LONG'));
      for (const code of ['17861-6', '2160-0'])
        expect(actions.find((a) => loinc(a) === code)?.resource).toMatchObject({
          occurrenceDateTime: '2025-09-01',
        });
      expect(actions.filter((a) => a.type === 'delete')).toEqual([]);
    });
  });

  describe('decision 21: labelling jurisdiction', () => {
    const oldMi = () => [...base(), F.condition(F.icd('I21.4'), { onset: '2022-01-01' })];
    it('US (default): an MI more than a year ago is a warning that weighs benefit and risk', async () => {
      const c = card(
        await cardsFor(app, 'order-select', oldMi(), { drafts: [F.draftMedication(F.ROMOSOZUMAB, 'r1')] }),
        'ORDER-ROMO-CV-OLD',
      );
      expect(c.indicator).toBe('warning');
      expect(c.detail).toMatch(/US label \(Evenity/);
    });
    it('EU: any history of MI or stroke contraindicates romosozumab (critical, remove the draft)', async () => {
      const c = card(
        await cardsFor(euApp, 'order-select', oldMi(), {
          drafts: [F.draftMedication(F.ROMOSOZUMAB, 'r1')],
        }),
        'ORDER-ROMO-CV-OLD',
      );
      expect(c.indicator).toBe('critical');
      expect(c.summary).toMatch(/EU SmPC contraindicates romosozumab/);
      expect(recommended(c)!.actions).toContainEqual(
        expect.objectContaining({ type: 'delete', resourceId: 'MedicationRequest/r1' }),
      );
    });
    it('EU: a TIA stays a warning (not MI or stroke)', async () => {
      const c = card(
        await cardsFor(
          euApp,
          'order-select',
          [...base(), F.condition(F.icd('G45.9'), { onset: '2025-03-01' })],
          {
            drafts: [F.draftMedication(F.ROMOSOZUMAB, 'r2')],
          },
        ),
        'ORDER-ROMO-CV-OLD',
      );
      expect(c.indicator).toBe('warning');
    });
  });

  describe('decision 22: denosumab with low calcium or eGFR < 30', () => {
    it('ORDER-DMAB-CA recommends holding the draft and ordering calcium, albumin and 25-OH vitamin D', async () => {
      const c = card(
        await cardsFor(
          app,
          'order-select',
          [...base(), F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10', { low: 8.6, high: 10.3 })],
          { drafts: [F.draftMedication(F.PROLIA, 'd1', { doseMg: 60 })] },
        ),
        'ORDER-DMAB-CA',
      );
      const primary = recommended(c)!;
      expect(primary.actions![0]).toMatchObject({ type: 'delete', resourceId: 'MedicationRequest/d1' });
      expect(primary.actions!.slice(1).map(loinc)).toEqual(['17861-6', '1751-7', '62292-8']);
      expect(c.summary).toMatch(/^Hold /);
      // The limit is shown whole (value and unit), never cut.
      expect(c.summary).toMatch(/below 8\.6 mg\/dL;/);
    });

    it('ORDER-DMAB-CKD names CKD-MBD supervision, a post-dose calcium check and a hold option', async () => {
      const c = card(
        await cardsFor(
          app,
          'order-select',
          [...base(), F.observation('62238-1', 24, 'mL/min/{1.73_m2}', '2025-06-01')],
          { drafts: [F.draftMedication(F.PROLIA, 'd2', { doseMg: 60 })] },
        ),
        'ORDER-DMAB-CKD',
      );
      expect(c.detail).toMatch(/CKD-MBD expertise/);
      const calciumChecks = actionsOf(c).filter((a) => loinc(a) === '17861-6');
      expect(calciumChecks.map((a) => (a.resource as Resource).occurrenceDateTime)).toContain('2025-06-29');
      expect(actionsOf(c)).toContainEqual(
        expect.objectContaining({ type: 'delete', resourceId: 'MedicationRequest/d2' }),
      );
      expect(actionsOf(c).map(loinc)).toEqual(expect.arrayContaining(['2777-1', '2731-8']));
    });
  });

  describe('decision 23: PTH analogues beyond 2 years follow each label', () => {
    const history = () => [
      ...base(),
      F.statement(F.TERIPARATIDE, {
        status: 'completed',
        period: { start: '2023-01-01', end: '2025-01-01' },
      }),
    ];
    it('abaloparatide: not recommended beyond 2 years cumulative (Tymlos), with a remove option', async () => {
      const c = card(
        await cardsFor(app, 'order-select', history(), {
          drafts: [F.draftMedication({ text: 'abaloparatide 80 mcg (Tymlos)' }, 'a1')],
        }),
        'ORDER-PTH-24MO',
      );
      expect(c.detail).toMatch(/US label \(Tymlos\).*not recommended/);
      expect(recommended(c)!.actions).toContainEqual(
        expect.objectContaining({ type: 'delete', resourceId: 'MedicationRequest/a1' }),
      );
    });
    it('teriparatide: only if fracture risk remains or has returned high (Forteo)', async () => {
      const c = card(
        await cardsFor(app, 'order-select', history(), { drafts: [F.draftMedication(F.TERIPARATIDE, 't1')] }),
        'ORDER-PTH-24MO',
      );
      expect(c.detail).toMatch(/US label \(Forteo\).*remains at or has returned to having a high risk/);
      expect(c.summary).toMatch(/^Confirm fracture risk is still high/);
    });
  });

  describe('decision 24: IMMUNOSUPP-DMAB', () => {
    const immunosuppressed = () => [
      ...base(),
      ...currentLabs(),
      F.condition(F.icd('Z94.0', 'Kidney transplant status'), { onset: '2020-01-01' }),
      F.medicationRequest({ text: 'tacrolimus 1 mg' }, { authoredOn: '2025-01-01' }),
      F.medicationRequest({ text: 'mycophenolate mofetil 500 mg' }, { authoredOn: '2025-01-01' }),
    ];
    it('an established denosumab course is never deleted or replaced', async () => {
      const c = card(
        await cardsFor(app, 'order-select', [...immunosuppressed(), F.prolia('2024-12-20')], {
          drafts: [F.draftMedication(F.PROLIA, 'd3', { doseMg: 60 })],
        }),
        'IMMUNOSUPP-DMAB',
      );
      expect(actionsOf(c).filter((a) => a.type === 'delete')).toEqual([]);
      expect(actionsOf(c).some(isZoledronate)).toBe(false);
      expect(c.summary).toMatch(/^Continue /);
      expect(c.detail).toMatch(/US label \(Prolia, serious infections\)/);
      expect(c.detail).not.toMatch(/secondary source|sign-off/i);
    });
    it('a new start may be offered zoledronic acid instead', async () => {
      const c = card(
        await cardsFor(app, 'order-select', immunosuppressed(), {
          drafts: [F.draftMedication(F.PROLIA, 'd4', { doseMg: 60 })],
        }),
        'IMMUNOSUPP-DMAB',
      );
      expect(actionsOf(c).some(isZoledronate)).toBe(true);
    });
  });

  describe('decision 25: "very high risk" only for fragility fractures', () => {
    it('a traumatic S-code gets the conditional wording', async () => {
      const c = card(
        await cardsFor(app, 'patient-view', [
          ...base(),
          F.condition(F.icd('S32.010A'), { onset: '2024-10-15' }),
        ]),
        'VFX-RECENT',
      );
      expect(c.summary).toMatch(/very high risk if low-trauma/);
      expect(c.summary).not.toMatch(/— very high fracture risk/);
      expect(c.detail).toMatch(/If this was a low-trauma \(fragility\) fracture/);
    });
    it('an osteoporotic M80 code states very high risk', async () => {
      const c = card(
        await cardsFor(app, 'patient-view', [
          ...base(),
          F.condition(F.icd('M80.08XA'), { onset: '2025-03-01' }),
        ]),
        'VFX-RECENT',
      );
      expect(c.summary).toMatch(/fragility vertebral fracture 2025-03-01 .* very high fracture risk/);
    });
  });

  describe('denosumab biosimilars approved 2024–2025 (text matching; codes are in valuesets/)', () => {
    const codesFor = async (text: string) =>
      (await cardsFor(app, 'patient-view', [...base(), F.administration({ text }, '2024-05-15')])).map(
        (c) => `${c.source.topic?.code}:${c.indicator}`,
      );
    it('60 mg brands are recognised and read as the osteoporosis regimen (text match: warning)', async () => {
      for (const brand of ['Stoboclo', 'Conexxence', 'Obodence', 'Boncresa'])
        expect(await codesFor(`${brand} prefilled syringe`), brand).toEqual(['DMAB-LAPSE:warning']);
    });
    it('120 mg brands never enter the Prolia schedule', async () => {
      for (const brand of ['Wyost', 'Xbryk', 'Osenvelt', 'Bilprevda', 'Aukelso', 'Xtrenbo', 'Jubereq'])
        expect(await codesFor(`${brand} vial`), brand).toEqual(['ONC-DMAB-STOP:info']);
    });
    it('a suffix shared by a 60 mg and a 120 mg product does not decide the regimen', async () => {
      // Bosaya (60 mg) and Aukelso (120 mg) are both denosumab-kyqq; Stoboclo and Osenvelt both denosumab-bmwo.
      expect(await codesFor('denosumab-kyqq')).toEqual(['DMAB-DATA:info']);
      expect(await codesFor('denosumab-bmwo')).toEqual(['DMAB-DATA:info']);
    });
  });

  describe('corrected statements', () => {
    it('ORDER-ROMO-12 needs 12 doses: one dose 12 months ago gives no card', async () => {
      const cards = await cardsFor(
        app,
        'order-select',
        [...base(), F.administration(F.ROMOSOZUMAB, '2024-05-01')],
        {
          drafts: [F.draftMedication(F.ROMOSOZUMAB, 'r3')],
        },
      );
      expect(cards.map((c) => c.source.topic?.code)).not.toContain('ORDER-ROMO-12');
    });

    it('ORDER-ROMO-CV says stop (not "do not start") when romosozumab is already running', async () => {
      const cards = await cardsFor(
        app,
        'order-select',
        [
          ...base(),
          F.administration(F.ROMOSOZUMAB, '2025-02-01'),
          F.administration(F.ROMOSOZUMAB, '2025-03-01'),
          F.condition(F.icd('I21.4'), { onset: '2025-04-10' }),
        ],
        { drafts: [F.draftMedication(F.ROMOSOZUMAB, 'r4')] },
      );
      const c = card(cards, 'ORDER-ROMO-CV');
      expect(c.summary).toMatch(/^Stop romosozumab/);
      expect(c.detail).toMatch(/should be discontinued/);
      expect(c.detail).not.toMatch(/do not start/i);
    });

    it('DMAB-TRANSITION-MONITOR after an oral bisphosphonate never speaks of an infusion', async () => {
      const cards = await cardsFor(app, 'patient-view', [
        ...base(),
        F.prolia('2024-06-01'),
        F.prolia('2024-12-01'),
        F.statement(F.ALENDRONATE_70, { period: { start: '2025-06-01' } }),
      ]);
      const c = card(cards, 'DMAB-TRANSITION-MONITOR');
      expect(`${c.summary} ${c.detail} ${(c.suggestions ?? []).map((s) => s.label).join(' ')}`).not.toMatch(
        /infusion/i,
      );
      expect(c.summary).toMatch(/after starting/);
    });

    it('suggested labs send CKD-EPI 2021 eGFR (98979-8)', async () => {
      const cards = await cardsFor(app, 'patient-view', [...base(), F.prolia('2024-11-15')]);
      expect(actionsOf(card(cards, 'DMAB-OVERDUE')).map(loinc)).toContain('98979-8');
      expect(actionsOf(card(cards, 'DMAB-OVERDUE')).map(loinc)).not.toContain('62238-1');
    });

    it('DMAB-LAPSE and DMAB-PLANNED-STOP do not overclaim', async () => {
      const lapse = card(
        await cardsFor(app, 'patient-view', [...base(), F.prolia('2024-05-15')]),
        'DMAB-LAPSE',
      );
      expect(`${lapse.summary} ${lapse.detail}`).not.toMatch(/high risk of multiple/);
      const stop = card(
        await cardsFor(app, 'patient-view', [
          ...base(),
          F.prolia('2025-03-01'),
          F.statement(F.PROLIA, {
            status: 'stopped',
            effectiveDateTime: '2025-03-01',
            dateAsserted: '2025-06-10',
          }),
        ]),
        'DMAB-PLANNED-STOP',
      );
      expect(stop.detail).not.toMatch(/\bleads to\b/);
    });
  });
});
