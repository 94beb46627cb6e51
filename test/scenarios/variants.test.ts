import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FhirResource, HookName } from '../../src/protocol/types.js';
import { buildTestApp } from '../support/build-app.js';
import * as F from '../clinical/support/fhir.js';
import { TEXT_MATCH, base, byCode, call, codesOf, prolia, type Opts } from './variants-helpers.js';

/**
 * Examiner-style variants of the knowledge.md §3 scenarios (NOW = 2025-06-15T12:00:00Z): every boundary one day
 * inside and outside, other codes for the same concept, other resource shapes, and the §4 product decisions.
 * The expected cards follow knowledge.md (R1–R16, §4); where it is ambiguous, docs/clinical-rules.md.
 */

interface Variant {
  name: string;
  hook?: HookName;
  resources: FhirResource[];
  opts?: Opts;
  /** Exact set of `topic.code:indicator`. */
  cards: string[];
  summary?: Record<string, (string | RegExp)[]>;
  detail?: Record<string, (string | RegExp)[]>;
  notDetail?: Record<string, (string | RegExp)[]>;
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

function runAll(variants: Variant[]) {
  for (const v of variants) {
    it(v.name, async () => {
      const cards = await call(app, v.hook ?? 'patient-view', [...base(), ...v.resources], v.opts ?? {});
      expect(codesOf(cards)).toEqual([...v.cards].sort());
      for (const [code, parts] of Object.entries(v.summary ?? {})) {
        const card = byCode(cards, code)!;
        for (const p of parts) expect(card.summary).toMatch(p);
      }
      for (const [code, parts] of Object.entries(v.detail ?? {})) {
        const card = byCode(cards, code)!;
        for (const p of parts) expect(card.detail ?? '').toMatch(p);
      }
      for (const [code, parts] of Object.entries(v.notDetail ?? {})) {
        const card = byCode(cards, code)!;
        for (const p of parts) expect(card.detail ?? '').not.toMatch(p);
      }
    });
  }
}

const rx = (code: string, display?: string): F.CodeSpec => ({
  system: F.RXNORM,
  code,
  ...(display ? { display } : {}),
});

describe('R3/R5 boundaries of the denosumab schedule (calendar months)', () => {
  runAll([
    {
      name: 'last dose 2024-11-18: due 2025-05-18, today = due + 28 d → on time, no card',
      resources: [prolia('2024-11-18')],
      cards: [],
    },
    {
      name: 'last dose 2024-11-17: today = due + 29 d → DMAB-OVERDUE warning',
      resources: [prolia('2024-11-17')],
      cards: ['DMAB-OVERDUE:warning'],
      summary: { 'DMAB-OVERDUE': ['2024-11-17'] },
    },
    {
      name: 'last dose 2024-08-23: today = due (2025-02-23) + 112 d → still DMAB-OVERDUE warning',
      resources: [prolia('2024-08-23')],
      cards: ['DMAB-OVERDUE:warning'],
    },
    {
      name: 'last dose 2024-08-22: today = due + 113 d → DMAB-LAPSE critical',
      resources: [prolia('2024-08-22')],
      cards: ['DMAB-LAPSE:critical'],
      summary: { 'DMAB-LAPSE': ['2024-08-22'] },
    },
    {
      name: 'last dose 2023-06-15: today = t_last + 24 months → DMAB-LAPSE critical',
      resources: [prolia('2023-06-15')],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'last dose 2023-06-14: one day past t_last + 24 months → DMAB-LONG-GAP warning',
      resources: [prolia('2023-06-14')],
      cards: ['DMAB-LONG-GAP:warning'],
      summary: { 'DMAB-LONG-GAP': ['2023-06-14'] },
    },
    {
      name: 'month-end clamping: last dose 2024-08-31 → due 2025-02-28, +112 d = 2025-06-20 → DMAB-OVERDUE warning',
      resources: [prolia('2024-08-31')],
      cards: ['DMAB-OVERDUE:warning'],
    },
    {
      name: 'a newer dose resets t_last (two doses, last 2025-01-15) → no card',
      resources: [prolia('2024-07-15'), prolia('2025-01-15')],
      cards: [],
    },
    {
      name: 'dose dated tomorrow is within the 1-day tolerance → counts, no card',
      resources: [prolia('2024-05-15'), prolia('2025-06-16')],
      cards: [],
    },
  ]);
});

describe('R1 denosumab products and codes', () => {
  runAll([
    {
      name: 'Prolia SBD 993456, 13 months → DMAB-LAPSE critical',
      resources: [prolia('2024-05-15', '993456', '1 ML denosumab 60 MG/ML Prefilled Syringe [Prolia]')],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'Ospomyv 2725502, 13 months → DMAB-LAPSE critical',
      resources: [F.administration(rx('2725502'), '2024-05-15')],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'Bildyos 2723350, 7 months → DMAB-OVERDUE warning',
      resources: [F.administration(rx('2723350'), '2024-11-15')],
      cards: ['DMAB-OVERDUE:warning'],
    },
    {
      name: 'Osvyrti 2746871, 13 months → DMAB-LAPSE critical',
      resources: [F.administration(rx('2746871'), '2024-05-15')],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'Jubbonti SBD 2715520, 10 months → DMAB-LAPSE critical',
      resources: [F.administration(rx('2715520'), '2024-08-15')],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'Xgeva 1046398 every 4 weeks, last 2025-05-20 → no card',
      resources: [
        F.administration(rx('1046398'), '2025-04-22'),
        F.administration(rx('1046398'), '2025-05-20'),
      ],
      cards: [],
    },
    {
      name: 'Bomyntra 2717542, last 2025-05-20 → no card',
      resources: [F.administration(rx('2717542'), '2025-05-20')],
      cards: [],
    },
    {
      name: 'text-only "Xgeva 120 mg" last 2025-05-20 → no card (oncology)',
      resources: [F.administration({ text: 'Xgeva 120 mg' }, '2025-05-20')],
      cards: [],
    },
    {
      name: 'decision 9: Xgeva 1046402 stopped 2025-01-10 (5 months) → ONC-DMAB-STOP info, never DMAB-OVERDUE',
      resources: [
        F.administration(F.XGEVA, '2024-12-13', { doseMg: 120 }),
        F.administration(F.XGEVA, '2025-01-10', { doseMg: 120 }),
      ],
      cards: ['ONC-DMAB-STOP:info'],
      summary: { 'ONC-DMAB-STOP': ['2025-01-10'] },
    },
    {
      name: 'decision 9: text-only "Xgeva 120 mg" last 2024-10-01 → ONC-DMAB-STOP info with the text-match sentence',
      resources: [F.administration({ text: 'Xgeva 120 mg' }, '2024-10-01')],
      cards: ['ONC-DMAB-STOP:info'],
      detail: { 'ONC-DMAB-STOP': [TEXT_MATCH] },
    },
    {
      name: 'decision 5: text-only "denosumab 60 mg SC" 13 months → DMAB-LAPSE capped at warning, matched-by-text sentence',
      resources: [F.administration({ text: 'denosumab 60 mg SC' }, '2024-05-15')],
      cards: ['DMAB-LAPSE:warning'],
      detail: { 'DMAB-LAPSE': [TEXT_MATCH] },
    },
    {
      name: 'decision 5: text-only "Bosaya" (UNVERIFIED code) 13 months → DMAB-LAPSE warning',
      resources: [F.administration({ text: 'Bosaya (denosumab-kyqq) 60 mg/mL syringe' }, '2024-05-15')],
      cards: ['DMAB-LAPSE:warning'],
      detail: { 'DMAB-LAPSE': [TEXT_MATCH] },
    },
    {
      name: 'coded dose is not text-only: no text-match sentence',
      resources: [prolia('2024-05-15')],
      cards: ['DMAB-LAPSE:critical'],
      notDetail: { 'DMAB-LAPSE': [TEXT_MATCH] },
    },
    {
      name: 'R1d: ingredient-only 993449 without dose, single record → DMAB-DATA info (regimen unknown)',
      resources: [F.administration(rx('993449', 'denosumab'), '2024-05-15')],
      cards: ['DMAB-DATA:info'],
    },
    {
      name: 'R1d: ingredient-only 993449, doses 6 months apart, last 2024-05-15 → read as osteoporosis → DMAB-LAPSE critical',
      resources: [
        F.administration(rx('993449', 'denosumab'), '2023-11-15'),
        F.administration(rx('993449', 'denosumab'), '2024-05-15'),
      ],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'R1a: ingredient-only 993449 with dose 60 mg → osteoporosis → DMAB-OVERDUE warning',
      resources: [F.administration(rx('993449', 'denosumab'), '2024-11-15', { doseMg: 60 })],
      cards: ['DMAB-OVERDUE:warning'],
    },
  ]);
});

describe('R2/R15 resource shapes for the last dose', () => {
  runAll([
    {
      name: 'MedicationStatement effectiveDateTime 2024-05-15 only → DMAB-LAPSE critical',
      resources: [F.statement(F.PROLIA, { status: 'completed', effectiveDateTime: '2024-05-15' })],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'MedicationStatement effectivePeriod 2020-05-15 → 2024-11-15 (end = last dose) → DMAB-OVERDUE warning',
      resources: [
        F.statement(F.PROLIA, { status: 'completed', period: { start: '2020-05-15', end: '2024-11-15' } }),
      ],
      cards: ['DMAB-OVERDUE:warning'],
    },
    {
      name: 'MedicationStatement effectivePeriod.start only (no end) → no dose date → DMAB-DATA info',
      resources: [F.statement(F.PROLIA, { status: 'active', period: { start: '2023-01-01' } })],
      cards: ['DMAB-DATA:info'],
    },
    {
      name: 'same dose as Statement + Administration (2024-05-15) plus an older dose → counted once → DMAB-LAPSE critical',
      resources: [
        prolia('2023-11-15'),
        prolia('2024-05-15'),
        F.statement(F.PROLIA, { status: 'completed', effectiveDateTime: '2024-05-15' }),
      ],
      cards: ['DMAB-LAPSE:critical'],
      summary: { 'DMAB-LAPSE': ['2024-05-15'] },
    },
    {
      name: 'entered-in-error Statement dated 2025-03-01 ignored → DMAB-LAPSE critical',
      resources: [
        prolia('2024-05-15'),
        F.statement(F.PROLIA, { status: 'entered-in-error', effectiveDateTime: '2025-03-01' }),
      ],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'not-done administration 2025-03-01 ignored → DMAB-LAPSE critical',
      resources: [
        prolia('2024-05-15'),
        F.administration(F.PROLIA, '2025-03-01', { status: 'not-done', doseMg: 60 }),
      ],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'not-taken Statement 2025-03-01 ignored → DMAB-LAPSE critical',
      resources: [
        prolia('2024-05-15'),
        F.statement(F.PROLIA, { status: 'not-taken', effectiveDateTime: '2025-03-01' }),
      ],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'intended Statement 2025-03-01 is not a dose → DMAB-LAPSE critical',
      resources: [
        prolia('2024-05-15'),
        F.statement(F.PROLIA, { status: 'intended', effectiveDateTime: '2025-03-01' }),
      ],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'dose dated in the future (2025-09-01) ignored; valid dose 2024-05-15 → DMAB-LAPSE critical',
      resources: [prolia('2024-05-15'), prolia('2025-09-01')],
      cards: ['DMAB-LAPSE:critical'],
      summary: { 'DMAB-LAPSE': ['2024-05-15'] },
    },
    {
      name: 'only a future-dated dose → DMAB-DATA info, no overdue',
      resources: [prolia('2025-09-01')],
      cards: ['DMAB-DATA:info'],
    },
    {
      name: 'R2: completed administration with no date at all → DMAB-DATA info (verify last injection)',
      resources: [F.administration(F.PROLIA, undefined, { doseMg: 60 })],
      cards: ['DMAB-DATA:info'],
    },
    {
      name: 'R2.3: completed MedicationRequest 2025-03-01 never clears the lapse → DMAB-LAPSE critical',
      resources: [
        prolia('2024-05-15'),
        F.medicationRequest(F.PROLIA, { status: 'completed', authoredOn: '2025-03-01' }),
      ],
      cards: ['DMAB-LAPSE:critical'],
      detail: { 'DMAB-LAPSE': ['2025-03-01'] },
    },
    {
      name: 'R2.3: only an active MedicationRequest → DMAB-DATA info (order only)',
      resources: [F.medicationRequest(F.PROLIA, { status: 'active', authoredOn: '2025-01-10' })],
      cards: ['DMAB-DATA:info'],
    },
    {
      name: 'MedicationAdministration with medicationReference to a contained Medication (993452) → DMAB-LAPSE critical',
      resources: [
        {
          resourceType: 'MedicationAdministration',
          id: 'ma-contained',
          status: 'completed',
          contained: [
            {
              resourceType: 'Medication',
              id: 'med1',
              code: { coding: [{ system: F.RXNORM, code: '993452' }] },
            },
          ],
          medicationReference: { reference: '#med1' },
          subject: { reference: 'Patient/p1' },
          effectiveDateTime: '2024-05-15T10:00:00Z',
        },
      ],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'MedicationAdministration with medicationReference to a Medication in the prefetch bundle (Jubbonti) → DMAB-LAPSE critical',
      resources: [
        { resourceType: 'Medication', id: 'jub', code: { coding: [{ system: F.RXNORM, code: '2715513' }] } },
        {
          resourceType: 'MedicationAdministration',
          id: 'ma-ref',
          status: 'completed',
          medicationReference: { reference: 'Medication/jub' },
          subject: { reference: 'Patient/p1' },
          effectivePeriod: { start: '2024-05-15T09:00:00Z', end: '2024-05-15T09:05:00Z' },
        },
      ],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'R1c: Xgeva only as an active MedicationRequest (oncology order) → no card (no DMAB-DATA)',
      resources: [
        F.condition(F.icd('C79.51'), { onset: '2023-01-01' }),
        F.medicationRequest(F.XGEVA, { status: 'active', authoredOn: '2025-05-20' }),
      ],
      cards: [],
    },
    {
      name: 'R1c: Xgeva MedicationStatement active without a dose date → no card',
      resources: [
        F.statement(
          { system: F.RXNORM, code: '1046398' },
          { status: 'active', period: { start: '2024-01-01' } },
        ),
      ],
      cards: [],
    },
    {
      name: 'R1c: Xgeva scheduled in the future only → no card',
      resources: [F.administration(F.XGEVA, '2025-07-01', { doseMg: 120, status: 'in-progress' })],
      cards: [],
    },
    {
      name: 'R2: undated administration next to a dated one does not hide the lapse → DMAB-LAPSE critical',
      resources: [prolia('2024-05-15'), F.administration(F.PROLIA, undefined, { doseMg: 60 })],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'conflicting: stopped Statement 2024-06-01 but later administration 2025-03-01 → latest evidence wins, no card',
      resources: [
        F.statement(F.PROLIA, {
          status: 'stopped',
          effectiveDateTime: '2024-05-15',
          dateAsserted: '2024-06-01',
        }),
        prolia('2024-05-15'),
        prolia('2025-03-01'),
      ],
      cards: [],
    },
  ]);
});

describe('R4 planned stop and R6 mitigation', () => {
  runAll([
    {
      name: '#61 variant: stopped Statement with effectivePeriod ending 2025-02-01 (last dose) → DMAB-PLANNED-STOP warning, follow-on ≈2025-08-01',
      resources: [
        F.statement(F.PROLIA, { status: 'stopped', period: { start: '2021-02-01', end: '2025-02-01' } }),
      ],
      cards: ['DMAB-PLANNED-STOP:warning'],
      detail: { 'DMAB-PLANNED-STOP': ['2025-08-01'] },
    },
    {
      name: '#61 variant: Statement stopped with effectivePeriod ending 2025-06-10 (stop date), last administration 2025-03-01 → PLANNED-STOP, follow-on ≈2025-09-01',
      resources: [
        prolia('2025-03-01'),
        F.statement(F.PROLIA, { status: 'stopped', period: { start: '2021-03-01', end: '2025-06-10' } }),
      ],
      cards: ['DMAB-PLANNED-STOP:warning'],
      summary: { 'DMAB-PLANNED-STOP': ['2025-03-01', '2025-09-01'] },
    },
    {
      name: '#61 variant: Statement stopped with effectiveDateTime 2025-06-10 (stop date), last administration 2025-03-01 → PLANNED-STOP ≈2025-09-01',
      resources: [
        prolia('2025-03-01'),
        F.statement(F.PROLIA, { status: 'stopped', effectiveDateTime: '2025-06-10' }),
      ],
      cards: ['DMAB-PLANNED-STOP:warning'],
      summary: { 'DMAB-PLANNED-STOP': ['2025-03-01', '2025-09-01'] },
    },
    {
      name: '#61 variant: stopped Statement dated only by meta.lastUpdated 2025-06-10 → PLANNED-STOP',
      resources: [
        prolia('2025-03-01'),
        { ...F.statement(F.PROLIA, { status: 'stopped' }), meta: { lastUpdated: '2025-06-10T09:00:00Z' } },
      ],
      cards: ['DMAB-PLANNED-STOP:warning'],
    },
    {
      name: '#61 variant on order-sign: stopped Statement (dateAsserted 2025-06-10) → PLANNED-STOP with an unrelated draft',
      hook: 'order-sign',
      resources: [
        prolia('2025-03-01'),
        F.statement(F.PROLIA, {
          status: 'stopped',
          effectiveDateTime: '2025-03-01',
          dateAsserted: '2025-06-10',
        }),
      ],
      opts: { drafts: [F.draftMedication({ text: 'atorvastatin 20 mg' }, 'st')] },
      cards: ['DMAB-PLANNED-STOP:warning'],
    },
    {
      name: 'order-sign: the clinician signs a cancellation of denosumab (status stopped draft), last dose 2025-03-01 → PLANNED-STOP',
      hook: 'order-sign',
      resources: [prolia('2025-03-01')],
      opts: { drafts: [F.draftMedication(F.PROLIA, 'stop', { status: 'stopped' })] },
      cards: ['DMAB-PLANNED-STOP:warning'],
    },
    {
      name: 'stopped MedicationRequest after the last dose (5 months) → DMAB-PLANNED-STOP warning',
      resources: [
        prolia('2025-01-15'),
        {
          ...F.medicationRequest(F.PROLIA, { status: 'stopped', authoredOn: '2025-01-10' }),
          meta: { lastUpdated: '2025-06-01T08:00:00Z' },
        },
      ],
      cards: ['DMAB-PLANNED-STOP:warning'],
    },
    {
      name: 'stopped and already overdue (2024-11-15) → DMAB-OVERDUE warning, not planned stop',
      resources: [
        prolia('2024-11-15'),
        F.statement(F.PROLIA, {
          status: 'stopped',
          effectiveDateTime: '2024-11-15',
          dateAsserted: '2025-01-10',
        }),
      ],
      cards: ['DMAB-OVERDUE:warning'],
    },
    {
      name: 'zoledronate 2024-11-20 given after lapse-era dose → TRANSITION-MONITOR info with CTX dates 2025-02-20 / 2025-05-20',
      resources: [
        prolia('2024-05-15'),
        F.administration(rx('77655', 'zoledronic acid'), '2024-11-20', { doseMg: 5 }),
      ],
      cards: ['DMAB-TRANSITION-MONITOR:info'],
      detail: { 'DMAB-TRANSITION-MONITOR': ['2025-02-20', '2025-05-20'] },
    },
    {
      name: 'zoledronate only ordered (MedicationRequest) → not mitigating → DMAB-LAPSE critical',
      resources: [
        prolia('2024-05-15'),
        F.medicationRequest(F.ZOLEDRONATE_5, { status: 'active', authoredOn: '2024-11-20' }),
      ],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'zoledronate given BEFORE t_last does not mitigate → DMAB-LAPSE critical',
      resources: [F.administration(F.ZOLEDRONATE_5, '2023-01-10'), prolia('2024-05-15')],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'decision 4: raloxifene active since 2024-12-01 does not suppress the lapse; card names it',
      resources: [
        prolia('2024-05-15'),
        F.medicationRequest(rx('72143', 'raloxifene 60 MG Oral Tablet'), {
          status: 'active',
          authoredOn: '2024-12-01',
        }),
      ],
      cards: ['DMAB-LAPSE:critical'],
      detail: { 'DMAB-LAPSE': [/raloxifene/i] },
    },
    {
      name: 'decision 4: hormone therapy (estradiol) does not suppress DMAB-OVERDUE; card names it',
      resources: [
        prolia('2024-11-15'),
        F.medicationRequest(
          { text: 'estradiol 1 mg oral tablet' },
          { status: 'active', authoredOn: '2025-05-01' },
        ),
      ],
      cards: ['DMAB-OVERDUE:warning'],
      detail: { 'DMAB-OVERDUE': [/estradiol/i] },
    },
    {
      name: 'short course (2 doses) then alendronate active after t_last → TRANSITION-MONITOR info',
      resources: [
        prolia('2023-11-15'),
        prolia('2024-05-15'),
        F.statement(F.ALENDRONATE_70, { status: 'active', period: { start: '2024-11-20' } }),
      ],
      cards: ['DMAB-TRANSITION-MONITOR:info'],
    },
    {
      name: 'decision 2: 6 doses (2021-11 → 2024-05) then risedronate → DMAB-ORALBP-AFTER-LONG warning',
      resources: [
        ...['2021-11-15', '2022-05-15', '2022-11-15', '2023-05-15', '2023-11-15', '2024-05-15'].map((d) =>
          prolia(d),
        ),
        F.medicationRequest(rx('73056', 'risedronate'), { status: 'active', authoredOn: '2024-11-15' }),
      ],
      cards: ['DMAB-ORALBP-AFTER-LONG:warning'],
    },
    {
      name: 'alendronate started BEFORE t_last (concurrent) is not follow-on → DMAB-LAPSE critical',
      resources: [
        prolia('2024-05-15'),
        F.statement(F.ALENDRONATE_70, { status: 'active', period: { start: '2024-01-01' } }),
      ],
      cards: ['DMAB-LAPSE:critical'],
    },
    {
      name: 'decision 1: overdue (7 months) with a prior coded vertebral fracture (2022) → DMAB-LAPSE critical, escalated',
      resources: [prolia('2024-11-15'), F.condition(F.icd('M80.08XA'), { onset: '2022-03-01' })],
      cards: ['DMAB-LAPSE:critical'],
      detail: { 'DMAB-LAPSE': ['2022-03-01'] },
    },
    {
      name: 'decision 1: on-time patient with a prior fracture → no card',
      resources: [prolia('2025-01-15'), F.condition(F.icd('M80.08XA'), { onset: '2022-03-01' })],
      cards: [],
    },
    {
      name: 'decision 1: long gap (> 24 months) with a prior coded fracture → DMAB-LONG-GAP critical',
      resources: [prolia('2023-01-15'), F.condition(F.snomed('203450003'), { onset: '2020-03-01' })],
      cards: ['DMAB-LONG-GAP:critical'],
    },
  ]);
});

describe('R7 recent / imminent vertebral fractures: codes, dates, shapes', () => {
  runAll([
    {
      name: 'onset 2024-06-15 (exactly 12 months) → VFX-RECENT warning',
      resources: [F.condition(F.icd('S32.010A'), { onset: '2024-06-15' })],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'onset 2024-06-14 (12 months + 1 day) → VFX-IMMINENT info',
      resources: [F.condition(F.icd('S32.010A'), { onset: '2024-06-14' })],
      cards: ['VFX-IMMINENT:info'],
    },
    {
      name: 'onset 2023-06-15 (exactly 24 months) → VFX-IMMINENT info',
      resources: [F.condition(F.icd('S32.010A'), { onset: '2023-06-15' })],
      cards: ['VFX-IMMINENT:info'],
    },
    {
      name: 'onset 2023-06-14 (> 24 months) → no card',
      resources: [F.condition(F.icd('S32.010A'), { onset: '2023-06-14' })],
      cards: [],
    },
    {
      name: 'M48.56XA collapsed lumbar vertebra, 3 months → VFX-RECENT warning',
      resources: [F.condition(F.icd('M48.56XA'), { onset: '2025-03-15' })],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'S22.060A T7-T8, 2 months → VFX-RECENT warning',
      resources: [F.condition(F.icd('S22.060A'), { onset: '2025-04-15' })],
      cards: ['VFX-RECENT:warning'],
      summary: { 'VFX-RECENT': ['2025-04-15'] },
    },
    {
      name: 'S32.020A L2, 18 months → VFX-IMMINENT info',
      resources: [F.condition(F.icd('S32.020A'), { onset: '2023-12-15' })],
      cards: ['VFX-IMMINENT:info'],
    },
    {
      name: 'SNOMED 203450003, 6 months → VFX-RECENT warning',
      resources: [F.condition(F.snomed('203450003'), { onset: '2024-12-15' })],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'SNOMED 11311601000119109, 6 months → VFX-RECENT warning',
      resources: [F.condition(F.snomed('11311601000119109'), { onset: '2024-12-15' })],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'ICD-10-CM without dot, lowercase (s32010a) → VFX-RECENT warning',
      resources: [F.condition(F.icd('s32010a'), { onset: '2024-10-15' })],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'ICD-10-CM without system (M8008XA) → VFX-RECENT warning',
      resources: [F.condition({ code: 'M8008XA' }, { onset: '2024-10-15' })],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: '7th character D (subsequent encounter) keeps its onset 2025-01-10 → VFX-RECENT warning',
      resources: [F.condition(F.icd('S22.080D'), { onset: '2025-01-10' })],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: '7th character S (sequela) with recent onset → no recent card',
      resources: [F.condition(F.icd('M80.08XS'), { onset: '2025-03-01' })],
      cards: [],
    },
    {
      name: 'SNOMED 42942008 + ICD-10-CM S22.080S on one Condition (sequela) → no recent card',
      resources: [
        {
          ...F.condition(F.snomed('42942008')),
          code: {
            coding: [
              { system: F.SNOMED, code: '42942008' },
              { system: F.ICD10CM, code: 'S22.080S' },
            ],
          },
          recordedDate: '2025-05-01',
        },
      ],
      cards: [],
    },
    {
      name: 'M48.56XS sequela → no card',
      resources: [F.condition(F.icd('M48.56XS'), { recordedDate: '2025-05-01' })],
      cards: [],
    },
    {
      name: 'onsetPeriod.start 2024-12-01 → VFX-RECENT warning',
      resources: [
        { ...F.condition(F.icd('S32.010A')), onsetPeriod: { start: '2024-12-01', end: '2024-12-20' } },
      ],
      cards: ['VFX-RECENT:warning'],
      summary: { 'VFX-RECENT': ['2024-12-01'] },
    },
    {
      name: 'onsetAge 72 years + birthDate 1953-01-10 → onset 2025-01-10 → VFX-RECENT warning',
      resources: [
        {
          ...F.condition(F.icd('S32.010A')),
          onsetAge: { value: 72, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' },
        },
      ],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'onsetAge 70 years → onset 2023-01-10 (> 24 months) → no card',
      resources: [
        {
          ...F.condition(F.icd('S32.010A')),
          onsetAge: { value: 70, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' },
        },
      ],
      cards: [],
    },
    {
      name: 'recordedDate only 2025-02-01 → VFX-RECENT warning, date labelled recorded',
      resources: [F.condition(F.icd('S32.010A'), { recordedDate: '2025-02-01' })],
      cards: ['VFX-RECENT:warning'],
      detail: { 'VFX-RECENT': [/recorded/i] },
    },
    { name: 'no date at all → no recency card', resources: [F.condition(F.icd('S32.010A'))], cards: [] },
    {
      name: 'onset in the future (2025-09-01), no recordedDate → no card',
      resources: [F.condition(F.icd('S32.010A'), { onset: '2025-09-01' })],
      cards: [],
    },
    {
      name: 'entered-in-error verification → no card',
      resources: [F.condition(F.icd('S32.010A'), { onset: '2025-03-01', verification: 'entered-in-error' })],
      cards: [],
    },
    {
      name: 'refuted SNOMED fracture → no card',
      resources: [F.condition(F.snomed('42942008'), { onset: '2025-03-01', verification: 'refuted' })],
      cards: [],
    },
    {
      name: 'unconfirmed (provisional) fracture → info only',
      resources: [F.condition(F.icd('S32.010A'), { onset: '2025-03-01', verification: 'provisional' })],
      cards: ['VFX-RECENT:info'],
    },
    {
      name: 'resolved clinicalStatus keeps the fracture: onset 2025-03-01 → VFX-RECENT warning',
      resources: [F.condition(F.icd('S32.010A'), { onset: '2025-03-01', clinicalStatus: 'resolved' })],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'sacrum S32.10XA is not vertebral → no card',
      resources: [F.condition(F.icd('S32.10XA'), { onset: '2025-03-01' })],
      cards: [],
    },
    {
      name: 'SNOMED 443165006 (osteoporotic fracture of bone, no site) → no card',
      resources: [
        F.condition(F.snomed('443165006', 'Osteoporotic fracture of bone (disorder)'), {
          onset: '2025-03-01',
        }),
      ],
      cards: [],
    },
    {
      name: 'decision 15: two recent fractures → one VFX-RECENT card',
      resources: [
        F.condition(F.icd('S32.010A'), { onset: '2025-03-01' }),
        F.condition(F.icd('S22.080A'), { onset: '2025-04-01' }),
      ],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'recent + imminent fractures → one card (VFX-RECENT)',
      resources: [
        F.condition(F.icd('S32.010A'), { onset: '2025-03-01' }),
        F.condition(F.icd('S22.080A'), { onset: '2023-12-01' }),
      ],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'text-only "Compression fracture of L2 vertebra", 3 months → info only (§2.3.2)',
      resources: [F.condition({ text: 'Compression fracture of L2 vertebra' }, { onset: '2025-03-15' })],
      cards: ['VFX-RECENT:info'],
      detail: { 'VFX-RECENT': [TEXT_MATCH] },
    },
  ]);
});

describe('R8 suspected rebound fractures and decision 15', () => {
  runAll([
    {
      name: 'single fracture after t_due (last dose 2024-06-01, S22.060A onset 2025-03-01) → one RVFX-SUSPECTED critical',
      resources: [prolia('2024-06-01'), F.condition(F.icd('S22.060A'), { onset: '2025-03-01' })],
      cards: ['RVFX-SUSPECTED:critical'],
    },
    {
      name: 'RVFx with SNOMED 203450003 + M48.56XA → one RVFX-SUSPECTED critical (lapse and recent cards subsumed)',
      resources: [
        prolia('2024-06-01'),
        F.condition(F.snomed('203450003'), { onset: '2025-04-20' }),
        F.condition(F.icd('M48.56XA'), { onset: '2025-05-10' }),
      ],
      cards: ['RVFX-SUSPECTED:critical'],
    },
    {
      name: 'fracture ON the due date (2024-12-01) is not a rebound fracture → LAPSE critical + VFX-RECENT warning',
      resources: [prolia('2024-06-01'), F.condition(F.icd('S32.010A'), { onset: '2024-12-01' })],
      cards: ['DMAB-LAPSE:critical', 'VFX-RECENT:warning'],
    },
    {
      name: 'fracture while on treatment (2024-09-01) + lapse → DMAB-LAPSE critical + VFX-RECENT warning (one per problem)',
      resources: [prolia('2024-06-01'), F.condition(F.icd('S32.010A'), { onset: '2024-09-01' })],
      cards: ['DMAB-LAPSE:critical', 'VFX-RECENT:warning'],
    },
    {
      name: 'zoledronate before the fracture mitigates: no rebound → TRANSITION-MONITOR info + VFX-RECENT warning',
      resources: [
        prolia('2024-06-01'),
        F.administration(F.ZOLEDRONATE_5, '2024-12-10'),
        F.condition(F.icd('S32.010A'), { onset: '2025-03-01' }),
      ],
      cards: ['DMAB-TRANSITION-MONITOR:info', 'VFX-RECENT:warning'],
    },
    {
      name: 'Xgeva (oncology) stopped + vertebral fracture → no rebound card: ONC-DMAB-STOP info + VFX-RECENT warning',
      resources: [
        F.administration(F.XGEVA, '2024-06-01', { doseMg: 120 }),
        F.condition(F.icd('S32.010A'), { onset: '2025-03-01' }),
      ],
      cards: ['ONC-DMAB-STOP:info', 'VFX-RECENT:warning'],
    },
    {
      name: 'decision 14: romosozumab given after RVFx without zoledronate/denosumab → rebound card downgraded to info, case-series note',
      resources: [
        prolia('2024-06-01'),
        F.condition(F.icd('M80.08XA'), { onset: '2025-04-20' }),
        F.condition(F.icd('S32.030A'), { onset: '2025-05-10' }),
        F.administration({ text: 'romosozumab-aqqg 210 mg SC' }, '2025-05-20'),
      ],
      cards: ['RVFX-SUSPECTED:info'],
      detail: { 'RVFX-SUSPECTED': [/4-patient/] },
    },
    {
      name: 'decision 14 not applicable: denosumab re-dosed after the fracture → rebound no longer current',
      resources: [
        prolia('2024-06-01'),
        F.condition(F.icd('S32.010A'), { onset: '2025-03-01' }),
        prolia('2025-03-20'),
      ],
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'decision 5: rebound resting on a text-only denosumab dose → capped at warning with text sentence',
      resources: [
        F.administration({ text: 'Prolia 60 mg injection' }, '2024-06-01'),
        F.condition(F.icd('S32.010A'), { onset: '2025-03-01' }),
        F.condition(F.icd('S32.030A'), { onset: '2025-04-01' }),
      ],
      cards: ['RVFX-SUSPECTED:warning'],
      detail: { 'RVFX-SUSPECTED': [TEXT_MATCH] },
    },
  ]);
});

const rvfx = (): FhirResource[] => [
  prolia('2024-06-01'),
  F.condition(F.icd('M80.08XA'), { onset: '2025-04-20' }),
  F.condition(F.icd('S32.030A'), { onset: '2025-05-10' }),
];
const sr = (code: F.CodeSpec, id: string) => F.serviceRequest(code, id);

describe('order hooks: vertebral augmentation (R8)', () => {
  runAll([
    {
      name: 'CPT 22513 kyphoplasty thoracic in RVFx → ORDER-AUGMENT-RVFX critical + RVFX-SUSPECTED',
      hook: 'order-select',
      resources: rvfx(),
      opts: { drafts: [sr({ system: F.CPT, code: '22513' }, 'k1')] },
      cards: ['ORDER-AUGMENT-RVFX:critical', 'RVFX-SUSPECTED:critical'],
      summary: { 'ORDER-AUGMENT-RVFX': [/^Cancel 22513 Percutaneous/] },
    },
    {
      name: 'CPT 22514 kyphoplasty lumbar on order-sign → ORDER-AUGMENT-RVFX critical',
      hook: 'order-sign',
      resources: rvfx(),
      opts: { drafts: [sr({ system: F.CPT, code: '22514' }, 'k2')] },
      cards: ['ORDER-AUGMENT-RVFX:critical', 'RVFX-SUSPECTED:critical'],
    },
    {
      name: 'text-only "balloon kyphoplasty L3" in RVFx → ORDER-AUGMENT-RVFX',
      hook: 'order-select',
      resources: rvfx(),
      opts: { drafts: [sr({ text: 'Balloon kyphoplasty L3' }, 'k3')] },
      cards: ['ORDER-AUGMENT-RVFX:critical', 'RVFX-SUSPECTED:critical'],
    },
    {
      name: 'vertebroplasty for an ordinary osteoporotic VFx (no denosumab) → no order card, only VFX-RECENT',
      hook: 'order-select',
      resources: [F.condition(F.icd('S32.010A'), { onset: '2025-05-01' })],
      opts: { drafts: [sr({ system: F.CPT, code: '22511' }, 'vp')] },
      cards: ['VFX-RECENT:warning'],
    },
    {
      name: 'order-select: kyphoplasty draft present but NOT in selections → no order card',
      hook: 'order-select',
      resources: rvfx(),
      opts: {
        drafts: [
          sr({ system: F.CPT, code: '22514' }, 'k4'),
          F.draftMedication({ text: 'paracetamol 1 g' }, 'para'),
        ],
        selections: ['MedicationRequest/para'],
      },
      cards: ['RVFX-SUSPECTED:critical'],
    },
  ]);
  it('ORDER-AUGMENT-RVFX suggests deleting the draft', async () => {
    const cards = await call(app, 'order-select', [...base(), ...rvfx()], {
      drafts: [sr({ system: F.CPT, code: '22513' }, 'k9')],
    });
    const card = byCode(cards, 'ORDER-AUGMENT-RVFX')!;
    const actions = (card.suggestions ?? []).flatMap((s) => s.actions ?? []);
    expect(actions.some((a) => a.type === 'delete' && a.resourceId === 'ServiceRequest/k9')).toBe(true);
  });
});

const zol = (id = 'zol') => F.draftMedication(F.ZOLEDRONATE_5, id, { doseMg: 5 });
const dmab = (id = 'dmab') => F.draftMedication(F.PROLIA, id, { doseMg: 60 });
const labs = (date = '2025-06-01') => F.normalLabs(date);
const romo = (id = 'romo') => F.draftMedication(F.ROMOSOZUMAB, id);
const teri = (id = 'pth') => F.draftMedication(F.TERIPARATIDE, id);

describe('order hooks: romosozumab (R9)', () => {
  runAll([
    {
      name: 'MI SNOMED 22298006 onset 2024-06-15 (365 days) → ORDER-ROMO-CV critical',
      hook: 'order-select',
      resources: [F.condition(F.snomed('22298006'), { onset: '2024-06-15' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV:critical'],
    },
    {
      name: 'MI SNOMED 22298006 onset 2024-06-14 (366 days) → ORDER-ROMO-CV-OLD warning',
      hook: 'order-select',
      resources: [F.condition(F.snomed('22298006'), { onset: '2024-06-14' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV-OLD:warning'],
    },
    {
      name: 'STEMI SNOMED 401303003, 2 months → critical',
      hook: 'order-select',
      resources: [F.condition(F.snomed('401303003'), { onset: '2025-04-15' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV:critical'],
    },
    {
      name: 'I21.09 STEMI, 3 months → critical',
      hook: 'order-select',
      resources: [F.condition(F.icd('I21.09'), { onset: '2025-03-15' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV:critical'],
      summary: { 'ORDER-ROMO-CV': [] },
    },
    {
      name: 'ischaemic stroke I63.9, 5 months → critical',
      hook: 'order-select',
      resources: [F.condition(F.icd('I63.9'), { onset: '2025-01-15' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV:critical'],
    },
    {
      name: 'ischaemic stroke SNOMED 422504002, 11 months → critical',
      hook: 'order-select',
      resources: [F.condition(F.snomed('422504002'), { onset: '2024-07-15' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV:critical'],
    },
    {
      name: 'haemorrhagic stroke I61.9, 1 month → critical',
      hook: 'order-select',
      resources: [F.condition(F.icd('I61.9'), { onset: '2025-05-15' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV:critical'],
    },
    {
      name: 'stroke I63.9 2 years ago → ORDER-ROMO-CV-OLD warning',
      hook: 'order-select',
      resources: [F.condition(F.icd('I63.9'), { onset: '2023-05-01' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV-OLD:warning'],
    },
    {
      name: 'TIA G45.8 1 month ago → no critical (warning at most)',
      hook: 'order-select',
      resources: [F.condition(F.icd('G45.8'), { onset: '2025-05-15' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV-OLD:warning'],
    },
    {
      name: 'TIA G45.9 without dot/lowercase (g459) → no critical',
      hook: 'order-select',
      resources: [F.condition(F.icd('g459'), { onset: '2025-05-15' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV-OLD:warning'],
    },
    {
      name: 'refuted MI → no card',
      hook: 'order-select',
      resources: [F.condition(F.icd('I21.4'), { onset: '2025-01-15', verification: 'refuted' })],
      opts: { drafts: [romo()] },
      cards: [],
    },
    {
      name: 'entered-in-error MI → no card',
      hook: 'order-select',
      resources: [F.condition(F.icd('I21.4'), { onset: '2025-01-15', verification: 'entered-in-error' })],
      opts: { drafts: [romo()] },
      cards: [],
    },
    {
      name: 'MI recordedDate only (2025-02-01) → critical (R7 date order)',
      hook: 'order-select',
      resources: [F.condition(F.icd('I21.4'), { recordedDate: '2025-02-01' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV:critical'],
    },
    {
      name: 'history-type SNOMED 32574007 recorded recently but onset 2019 → not recent (warning)',
      hook: 'order-select',
      resources: [F.condition(F.snomed('32574007'), { onset: '2019-03-01', recordedDate: '2025-05-01' })],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV-OLD:warning'],
    },
    {
      name: 'romosozumab ordered with the ATC code M05BX06 + MI 6 months → critical',
      hook: 'order-sign',
      resources: [F.condition(F.icd('I21.4'), { onset: '2024-12-15' })],
      opts: {
        drafts: [
          F.draftMedication(
            { system: 'http://www.whocc.no/atc', code: 'M05BX06', display: 'romosozumab' },
            'r-atc',
          ),
        ],
      },
      cards: ['ORDER-ROMO-CV:critical'],
    },
    {
      name: 'DSTU2 MedicationOrder romosozumab draft + MI 6 months → critical',
      hook: 'order-sign',
      resources: [F.condition(F.icd('I21.4'), { onset: '2024-12-15' })],
      opts: {
        drafts: [
          {
            resourceType: 'MedicationOrder',
            id: 'mo-romo',
            status: 'draft',
            medicationCodeableConcept: { text: 'Evenity 105 mg/1.17 mL' },
            patient: { reference: 'Patient/p1' },
          },
        ],
      },
      cards: ['ORDER-ROMO-CV:critical'],
    },
    {
      name: 'order-select: romosozumab draft NOT in selections → no order card',
      hook: 'order-select',
      resources: [F.condition(F.icd('I21.4'), { onset: '2024-12-15' })],
      opts: {
        drafts: [romo('r-x'), F.draftMedication({ text: 'amoxicillin 500 mg' }, 'amox')],
        selections: ['MedicationRequest/amox'],
      },
      cards: [],
    },
    {
      name: 'I69.30 sequelae of cerebral infarction (history, recorded 2025-05-01) → never critical',
      hook: 'order-select',
      resources: [
        F.condition(
          { system: F.ICD10CM, code: 'I69.30', display: 'Unspecified sequelae of cerebral infarction' },
          { recordedDate: '2025-05-01' },
        ),
      ],
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-CV-OLD:warning'],
    },
    {
      name: 'romosozumab course started 2024-06-10 (12 months, no dated doses) → no ORDER-ROMO-12 (the label limits doses, not months)',
      hook: 'order-select',
      resources: [
        F.statement(
          { text: 'romosozumab 210 mg SC monthly' },
          { status: 'active', period: { start: '2024-06-10' } },
        ),
      ],
      opts: { drafts: [romo()] },
      cards: [],
    },
    {
      name: 'PTH analogue for 24 months (statement 2023-01-01 → 2025-01-01) → ORDER-PTH-24MO warning',
      hook: 'order-select',
      resources: [
        F.statement(F.TERIPARATIDE, {
          status: 'completed',
          period: { start: '2023-01-01', end: '2025-01-01' },
        }),
      ],
      opts: { drafts: [teri()] },
      cards: ['ORDER-PTH-24MO:warning'],
    },
    {
      name: 'PTH analogue for 23 months → no card',
      hook: 'order-select',
      resources: [
        F.statement(F.TERIPARATIDE, {
          status: 'completed',
          period: { start: '2023-02-01', end: '2025-01-01' },
        }),
      ],
      opts: { drafts: [teri()] },
      cards: [],
    },
    {
      name: '12 prior monthly romosozumab doses → ORDER-ROMO-12 warning',
      hook: 'order-select',
      resources: Array.from({ length: 12 }, (_, i) =>
        F.administration(
          { text: 'romosozumab 210 mg' },
          `2024-${String(6 + i > 12 ? 6 + i - 12 : 6 + i).padStart(2, '0')}-05`.replace(
            /^2024-(0[1-5])/,
            '2025-$1',
          ),
        ),
      ),
      opts: { drafts: [romo()] },
      cards: ['ORDER-ROMO-12:warning'],
    },
  ]);
});

describe('order hooks: teriparatide/abaloparatide (R10, decision 13)', () => {
  runAll([
    {
      name: 'text-only "teriparatide 20 mcg SC daily" 5 months after Prolia → ORDER-PTH-AFTER-DMAB warning',
      hook: 'order-select',
      resources: [prolia('2025-01-10')],
      opts: { drafts: [F.draftMedication({ text: 'teriparatide 20 mcg SC daily' }, 'pt')] },
      cards: ['ORDER-PTH-AFTER-DMAB:warning'],
    },
    {
      name: 'abaloparatide (Tymlos) 3 months after Prolia → warning',
      hook: 'order-select',
      resources: [prolia('2025-03-10')],
      opts: { drafts: [F.draftMedication({ text: 'Tymlos (abaloparatide) 80 mcg daily' }, 'ab')] },
      cards: ['ORDER-PTH-AFTER-DMAB:warning'],
    },
    {
      name: 'decision 13: teriparatide with suspected RVFx → ORDER-PTH-AFTER-DMAB critical',
      hook: 'order-select',
      resources: rvfx(),
      opts: { drafts: [teri()] },
      cards: ['ORDER-PTH-AFTER-DMAB:critical', 'RVFX-SUSPECTED:critical'],
    },
    {
      name: 'decision 13: text-only teriparatide 20 mcg with RVFx → critical',
      hook: 'order-sign',
      resources: rvfx(),
      opts: { drafts: [F.draftMedication({ text: 'teriparatide 20 mcg daily' }, 'pt2')] },
      cards: ['ORDER-PTH-AFTER-DMAB:critical', 'RVFX-SUSPECTED:critical'],
    },
    {
      name: 'last denosumab exactly 24 months ago (2023-06-15) → still warning (long gap card too)',
      hook: 'order-select',
      resources: [prolia('2023-06-15')],
      opts: { drafts: [teri()] },
      cards: ['ORDER-PTH-AFTER-DMAB:warning', 'DMAB-LAPSE:critical'],
    },
    {
      name: 'last denosumab 2023-06-14 (> 24 months) → no PTH card',
      hook: 'order-select',
      resources: [prolia('2023-06-14')],
      opts: { drafts: [teri()] },
      cards: ['DMAB-LONG-GAP:warning'],
    },
    {
      name: 'zoledronate given after last denosumab → no PTH card',
      hook: 'order-select',
      resources: [prolia('2024-08-01'), F.administration(F.ZOLEDRONATE_5, '2025-02-01')],
      opts: { drafts: [teri()] },
      cards: ['DMAB-TRANSITION-MONITOR:info'],
    },
    {
      name: 'order-select: teriparatide selected while a zoledronate draft is in the same session (not selected) → antiresorptive planned, no PTH card',
      hook: 'order-select',
      resources: [prolia('2025-01-10'), ...labs()],
      opts: { drafts: [teri('p1'), zol('z1')], selections: ['MedicationRequest/p1'] },
      cards: [],
    },
    {
      name: 'oncology Xgeva history → no PTH card',
      hook: 'order-select',
      resources: [F.administration(F.XGEVA, '2025-05-20', { doseMg: 120 })],
      opts: { drafts: [teri()] },
      cards: [],
    },
    {
      name: 'DSTU2 MedicationOrder teriparatide 1435115 5 months after Prolia → warning',
      hook: 'order-sign',
      resources: [prolia('2025-01-10')],
      opts: {
        drafts: [
          {
            resourceType: 'MedicationOrder',
            id: 'mo-pth',
            status: 'draft',
            medicationCodeableConcept: { coding: [{ system: F.RXNORM, code: '1435115' }] },
            patient: { reference: 'Patient/p1' },
          },
        ],
      },
      cards: ['ORDER-PTH-AFTER-DMAB:warning'],
      summary: { 'ORDER-PTH-AFTER-DMAB': [/teriparatide/i, '2025-01-10'] },
    },
  ]);
});

describe('order hooks: zoledronic acid and denosumab safety (R14, decision 7)', () => {
  runAll([
    {
      name: 'eGFR 98979-8 = 34 → ORDER-ZOL-RENAL critical',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('62238-1')),
        F.observation('98979-8', 34, 'mL/min/{1.73_m2}', '2025-06-01'),
      ],
      opts: { drafts: [zol()] },
      cards: ['ORDER-ZOL-RENAL:critical'],
    },
    {
      name: 'eGFR 62238-1 = 35 → no renal card',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('62238-1')),
        F.observation('62238-1', 35, 'mL/min/{1.73_m2}', '2025-06-01'),
      ],
      opts: { drafts: [zol()] },
      cards: [],
    },
    {
      name: 'CrCl by Cockcroft–Gault < 35 (45 kg, 72 y woman, creatinine 1.4 mg/dL), no eGFR → ORDER-ZOL-RENAL critical',
      hook: 'order-select',
      resources: [
        F.observation('17861-6', 9.4, 'mg/dL', '2025-06-01', { low: 8.6, high: 10.3 }),
        F.observation('62292-8', 32, 'ng/mL', '2025-06-01'),
        F.observation('2160-0', 1.4, 'mg/dL', '2025-06-01'),
        F.observation('29463-7', 45, 'kg', '2025-06-01'),
      ],
      opts: { drafts: [zol()] },
      cards: ['ORDER-ZOL-RENAL:critical'],
      summary: { 'ORDER-ZOL-RENAL': [/CrCl/] },
    },
    {
      name: 'Cockcroft–Gault with creatinine in µmol/L (14682-9 = 124 µmol/L, 45 kg) → critical',
      hook: 'order-select',
      resources: [
        F.observation('17861-6', 9.4, 'mg/dL', '2025-06-01', { low: 8.6, high: 10.3 }),
        F.observation('62292-8', 32, 'ng/mL', '2025-06-01'),
        F.observation('14682-9', 124, 'umol/L', '2025-06-01'),
        F.observation('29463-7', 45, 'kg', '2025-06-01'),
      ],
      opts: { drafts: [zol()] },
      cards: ['ORDER-ZOL-RENAL:critical'],
    },
    {
      name: 'Cockcroft–Gault ≥ 35 (70 kg, creatinine 0.9) → no renal card',
      hook: 'order-select',
      resources: [
        F.observation('17861-6', 9.4, 'mg/dL', '2025-06-01', { low: 8.6, high: 10.3 }),
        F.observation('62292-8', 32, 'ng/mL', '2025-06-01'),
        F.observation('2160-0', 0.9, 'mg/dL', '2025-06-01'),
        F.observation('29463-7', 70, 'kg', '2025-06-01'),
      ],
      opts: { drafts: [zol()] },
      cards: [],
    },
    {
      name: 'low calcium 2.0 mmol/L (no range) for a zoledronate draft → ORDER-ZOL-RENAL critical (hypocalcaemia)',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('17861-6', 2.0, 'mmol/L', '2025-06-10'),
      ],
      opts: { drafts: [zol()] },
      cards: ['ORDER-ZOL-RENAL:critical'],
    },
    {
      name: 'denosumab draft: calcium 2.05 mmol/L with range 2.10–2.60 → ORDER-DMAB-CA critical',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('17861-6', 2.05, 'mmol/L', '2025-06-10', { low: 2.1, high: 2.6 }),
      ],
      opts: { drafts: [dmab()] },
      cards: ['ORDER-DMAB-CA:critical'],
    },
    {
      name: 'denosumab draft: calcium 8.4 mg/dL but lab range low 8.2 → not low (range wins) → no card',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('17861-6', 8.4, 'mg/dL', '2025-06-10', { low: 8.2, high: 10.2 }),
      ],
      opts: { drafts: [dmab()] },
      cards: [],
    },
    {
      name: 'denosumab draft: calcium 9.0 mg/dL with interpretation L (no range) → ORDER-DMAB-CA critical',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('17861-6', 9.0, 'mg/dL', '2025-06-10', { interpretation: 'L' }),
      ],
      opts: { drafts: [dmab()] },
      cards: ['ORDER-DMAB-CA:critical'],
    },
    {
      name: 'denosumab draft: low calcium exactly 30 days old (2025-05-16) → ORDER-DMAB-CA critical',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('17861-6', 7.9, 'mg/dL', '2025-05-16'),
      ],
      opts: { drafts: [dmab()] },
      cards: ['ORDER-DMAB-CA:critical'],
    },
    {
      name: 'denosumab draft: low calcium 31 days old (2025-05-15) → not used → no card',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('17861-6', 7.9, 'mg/dL', '2025-05-15'),
      ],
      opts: { drafts: [dmab()] },
      cards: [],
    },
    {
      name: 'denosumab draft: low calcium but newer normal calcium → no card',
      hook: 'order-select',
      resources: [...labs('2025-06-12'), F.observation('17861-6', 7.9, 'mg/dL', '2025-06-01')],
      opts: { drafts: [dmab()] },
      cards: [],
    },
    {
      name: 'denosumab draft: entered-in-error low calcium ignored → no card',
      hook: 'order-select',
      resources: [
        ...labs('2025-05-01'),
        F.observation('17861-6', 7.0, 'mg/dL', '2025-06-10', { status: 'entered-in-error' }),
      ],
      opts: { drafts: [dmab()] },
      cards: [],
    },
    {
      name: 'denosumab draft: total calcium 2000-8 = 1.95 mmol/L (no range) → ORDER-DMAB-CA critical',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('2000-8', 1.95, 'mmol/L', '2025-06-10'),
      ],
      opts: { drafts: [dmab()] },
      cards: ['ORDER-DMAB-CA:critical'],
    },
    {
      name: 'denosumab draft: total calcium 2000-8 = 2.3 mmol/L → no card',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('2000-8', 2.3, 'mmol/L', '2025-06-10'),
      ],
      opts: { drafts: [dmab()] },
      cards: [],
    },
    {
      name: 'denosumab draft: calcium 2.15 mmol/L (17861-6 with mmol/L) above the 2.12 default → no card',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('17861-6', 2.15, 'mmol/L', '2025-06-10'),
      ],
      opts: { drafts: [dmab()] },
      cards: [],
    },
    {
      name: 'denosumab draft: eGFR 98979-8 = 29 → ORDER-DMAB-CKD warning',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('62238-1')),
        F.observation('98979-8', 29, 'mL/min/{1.73_m2}', '2025-06-01'),
      ],
      opts: { drafts: [dmab()] },
      cards: ['ORDER-DMAB-CKD:warning'],
    },
    {
      name: 'denosumab draft: eGFR 30 → no CKD card',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('62238-1')),
        F.observation('62238-1', 30, 'mL/min/{1.73_m2}', '2025-06-01'),
      ],
      opts: { drafts: [dmab()] },
      cards: [],
    },
    {
      name: 'labs exactly 6 months old (2024-12-15) count as recent → no ORDER-LABS',
      hook: 'order-select',
      resources: labs('2024-12-15'),
      opts: { drafts: [dmab()] },
      cards: [],
    },
    {
      name: 'labs 6 months + 1 day old (2024-12-14) → ORDER-LABS info',
      hook: 'order-select',
      resources: labs('2024-12-14'),
      opts: { drafts: [dmab()] },
      cards: ['ORDER-LABS:info'],
    },
    {
      name: 'DSTU2 MedicationOrder denosumab draft with low calcium → ORDER-DMAB-CA critical',
      hook: 'order-sign',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10'),
      ],
      opts: {
        drafts: [
          {
            resourceType: 'MedicationOrder',
            id: 'mo-dmab',
            status: 'draft',
            medicationCodeableConcept: {
              coding: [{ system: F.RXNORM, code: '993456', display: 'Prolia 60 mg/mL' }],
            },
            dosageInstruction: [{ doseQuantity: { value: 60, unit: 'mg' } }],
            patient: { reference: 'Patient/p1' },
          },
        ],
      },
      cards: ['ORDER-DMAB-CA:critical'],
    },
    {
      name: 'denosumab draft via medicationReference to a contained Medication + low calcium → ORDER-DMAB-CA critical',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('17861-6')),
        F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10'),
      ],
      opts: {
        drafts: [
          {
            resourceType: 'MedicationRequest',
            id: 'mr-cont',
            status: 'draft',
            intent: 'order',
            contained: [
              {
                resourceType: 'Medication',
                id: 'm',
                code: { coding: [{ system: F.RXNORM, code: '2746871' }] },
              },
            ],
            medicationReference: { reference: '#m' },
            subject: { reference: 'Patient/p1' },
          },
        ],
      },
      cards: ['ORDER-DMAB-CA:critical'],
      summary: { 'ORDER-DMAB-CA': [/Osvyrti/] },
    },
    {
      name: 'zoledronate draft via medicationReference to a Medication in the prefetch bundle + eGFR 28 → ORDER-ZOL-RENAL critical',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('62238-1')),
        F.observation('62238-1', 28, 'mL/min/{1.73_m2}', '2025-06-01'),
        {
          resourceType: 'Medication',
          id: 'reclast',
          code: { coding: [{ system: F.RXNORM, code: '705875' }] },
        },
      ],
      opts: {
        drafts: [
          {
            resourceType: 'MedicationRequest',
            id: 'mr-ref',
            status: 'draft',
            intent: 'order',
            medicationReference: { reference: 'Medication/reclast' },
            subject: { reference: 'Patient/p1' },
          },
        ],
      },
      cards: ['ORDER-ZOL-RENAL:critical'],
      summary: { 'ORDER-ZOL-RENAL': [/Reclast/] },
    },
    {
      name: 'order-sign with several drafts: zoledronate (eGFR 28) + denosumab (eGFR 28 → CKD) + teriparatide after Prolia',
      hook: 'order-sign',
      resources: [
        prolia('2025-01-10'),
        ...labs().filter((o) => !JSON.stringify(o).includes('62238-1')),
        F.observation('62238-1', 28, 'mL/min/{1.73_m2}', '2025-06-01'),
      ],
      opts: { drafts: [zol('z1'), dmab('d1'), F.draftMedication({ text: 'amoxicillin 500 mg' }, 'a1')] },
      cards: ['ORDER-ZOL-RENAL:critical', 'ORDER-DMAB-CKD:warning'],
    },
    {
      name: 'order-select: zoledronate with eGFR 28 NOT selected (only denosumab selected) → only denosumab checks',
      hook: 'order-select',
      resources: [
        ...labs().filter((o) => !JSON.stringify(o).includes('62238-1')),
        F.observation('62238-1', 28, 'mL/min/{1.73_m2}', '2025-06-01'),
      ],
      opts: { drafts: [zol('z2'), dmab('d2')], selections: ['MedicationRequest/d2'] },
      cards: ['ORDER-DMAB-CKD:warning'],
    },
  ]);
});

describe('R11 glucocorticoids and R12 immunosuppression', () => {
  runAll([
    {
      name: 'prednisone 5 mg since 2025-03-16 (91 days) → GIOP info',
      resources: [F.medicationRequest(F.PREDNISONE_5, { authoredOn: '2025-03-16', doseUnits: 1 })],
      cards: ['GIOP:info'],
    },
    {
      name: 'prednisone 5 mg since 2025-03-17 (90 days) → no card',
      resources: [F.medicationRequest(F.PREDNISONE_5, { authoredOn: '2025-03-17', doseUnits: 1 })],
      cards: [],
    },
    {
      name: 'prednisone 2.5 mg (198146) daily for 6 months → GIOP info (≥ 2.5)',
      resources: [
        F.medicationRequest(rx('198146', 'prednisone 2.5 MG Oral Tablet'), {
          authoredOn: '2024-12-01',
          doseUnits: 1,
        }),
      ],
      cards: ['GIOP:info'],
    },
    {
      name: 'prednisone 1 mg × 2 daily (2 mg/day) → no card',
      resources: [
        F.medicationRequest(rx('198144', 'prednisone 1 MG Oral Tablet'), {
          authoredOn: '2024-12-01',
          doseUnits: 2,
        }),
      ],
      cards: [],
    },
    {
      name: 'methylprednisolone 4 mg daily (= prednisone 5) → GIOP info',
      resources: [
        F.medicationRequest(rx('259966', 'methylprednisolone 4 MG Oral Tablet'), {
          authoredOn: '2024-12-01',
          doseUnits: 1,
        }),
      ],
      cards: ['GIOP:info'],
    },
    {
      name: 'hydrocortisone 10 mg (= prednisone 2.5) daily → GIOP info',
      resources: [
        F.medicationRequest(rx('197782', 'hydrocortisone 10 MG Oral Tablet'), {
          authoredOn: '2024-12-01',
          doseUnits: 1,
        }),
      ],
      cards: ['GIOP:info'],
    },
    {
      name: 'prednisone MedicationStatement active, period since 2024-10-01, 5 mg daily → GIOP info',
      resources: [F.statement(F.PREDNISONE_5, { status: 'active', period: { start: '2024-10-01' } })],
      cards: ['GIOP:info'],
    },
    {
      name: 'prednisone stopped → no card',
      resources: [
        F.medicationRequest(F.PREDNISONE_5, { status: 'stopped', authoredOn: '2024-12-01', doseUnits: 1 }),
      ],
      cards: [],
    },
    {
      name: 'prednisone + current denosumab on schedule → no GIOP card',
      resources: [
        F.medicationRequest(F.PREDNISONE_5, { authoredOn: '2024-12-01', doseUnits: 1 }),
        prolia('2025-03-01'),
      ],
      cards: [],
    },
    {
      name: 'denosumab draft with tacrolimus + mycophenolate (no transplant) → IMMUNOSUPP-DMAB info',
      hook: 'order-select',
      resources: [
        F.medicationRequest({ text: 'tacrolimus 1 mg capsule' }),
        F.medicationRequest({ text: 'mycophenolate mofetil 500 mg tablet' }),
        ...labs(),
      ],
      opts: { drafts: [dmab()] },
      cards: ['IMMUNOSUPP-DMAB:info'],
    },
    {
      name: 'denosumab draft with transplant Z94.0 only → IMMUNOSUPP-DMAB info',
      hook: 'order-select',
      resources: [F.condition(F.icd('Z94.0'), { onset: '2015-01-01' }), ...labs()],
      opts: { drafts: [dmab()] },
      cards: ['IMMUNOSUPP-DMAB:info'],
    },
    {
      name: 'denosumab draft with a single immunosuppressant → no card',
      hook: 'order-select',
      resources: [F.medicationRequest({ text: 'tacrolimus 1 mg capsule' }), ...labs()],
      opts: { drafts: [dmab()] },
      cards: [],
    },
  ]);
});
