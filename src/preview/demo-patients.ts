import type { FhirResource, HookName, Indicator } from '../protocol/types.js';
import type { CatalogueId } from '../clinical/findings.js';
import { dateBefore, today, type Offset } from './calendar.js';
import {
  DIAGNOSES,
  DRUGS,
  LABS,
  VERTEBROPLASTY_LUMBOSACRAL,
  administration,
  condition,
  draftServiceRequest,
  medicationRequest,
  observation,
  patient,
  statement,
  type Drug,
} from './fhir-builders.js';

/**
 * The demo patients: one synthetic patient per card of the catalogue (knowledge.md R16, scenarios of section 3)
 * plus a few that must produce no card. Every date is relative to `now`, so the patients show the same cards on
 * any day. Names ("Demo Lapse") and ids ("demo-dmab-lapse") are obviously synthetic.
 */

export interface ExpectedCard {
  hook: HookName;
  cardId: CatalogueId;
  indicator: Indicator;
}

export interface DemoPatient {
  id: string;
  /** "Demo Lapse": the name shown in patient pickers. */
  name: string;
  /** One sentence: what is in the chart and why the card fires. */
  story: string;
  /** The card this patient demonstrates, per hook; empty for the "no card" patients. */
  expected: ExpectedCard[];
  /** The patient's chart: Patient plus clinical resources (what a FHIR server holds). */
  resources: FhirResource[];
  /** The draft order the clinician is entering (order-select / order-sign), if this patient has one. */
  draftOrder?: FhirResource;
}

/** Tools bound to one patient and one "now", so each definition below reads like the scenario it encodes. */
class Chart {
  readonly resources: FhirResource[] = [];
  private seq = 0;
  constructor(
    readonly id: string,
    readonly now: Date,
  ) {}

  ago(offset: Offset): string {
    return dateBefore(this.now, offset);
  }
  get today(): string {
    return today(this.now);
  }
  private next(kind: string): string {
    this.seq += 1;
    return `${this.id}-${kind}-${this.seq}`;
  }
  add<T extends FhirResource>(resource: T): T {
    this.resources.push(resource);
    return resource;
  }

  osteoporosis(): this {
    this.add(
      condition(this.next('cond'), this.id, DIAGNOSES.osteoporosis, { onset: this.ago({ years: 4 }) }),
    );
    return this;
  }
  dose(drug: Drug, ago: Offset, status = 'completed'): this {
    this.add(administration(this.next('dose'), this.id, drug, this.ago(ago), status));
    return this;
  }
  /** Injections every `everyMonths` months, `count` of them, the last one `lastAgo` before now. */
  doses(drug: Drug, count: number, everyMonths: number, lastAgo: Offset): this {
    for (let i = count - 1; i >= 0; i--) {
      this.dose(drug, { ...lastAgo, months: (lastAgo.months ?? 0) + i * everyMonths });
    }
    return this;
  }
  condition(code: Parameters<typeof condition>[2], options: Parameters<typeof condition>[3]): this {
    this.add(condition(this.next('cond'), this.id, code, options));
    return this;
  }
  statement(drug: Drug, options: Parameters<typeof statement>[3]): this {
    this.add(statement(this.next('stmt'), this.id, drug, options));
    return this;
  }
  prescription(drug: Drug, options: Parameters<typeof medicationRequest>[3]): this {
    this.add(medicationRequest(this.next('rx'), this.id, drug, options));
    return this;
  }
  lab(
    code: Parameters<typeof observation>[2],
    value: number,
    ago: Offset,
    range?: { low?: number; high?: number },
  ): this {
    this.add(observation(this.next('obs'), this.id, code, value, this.ago(ago), range));
    return this;
  }
  /** Recent, normal calcium, kidney function and vitamin D: keeps the "labs missing" card out of a demo. */
  normalLabs(): this {
    return this.lab(LABS.calcium, 9.4, { days: 20 }, { low: 8.5, high: 10.5 })
      .lab(LABS.egfr, 74, { days: 20 })
      .lab(LABS.vitaminD, 34, { days: 20 });
  }
  draftMedication(drug: Drug, instruction: string): FhirResource {
    return medicationRequest(`${this.id}-draft`, this.id, drug, {
      status: 'draft',
      authoredOn: this.today,
      instruction,
    });
  }
}

interface Definition {
  id: string;
  family: string;
  story: string;
  expected: ExpectedCard[];
  chart(c: Chart): FhirResource | void;
  /** Default: a woman of 72. */
  age?: number;
  gender?: 'female' | 'male';
}

const pv = (cardId: CatalogueId, indicator: Indicator): ExpectedCard[] => [
  { hook: 'patient-view', cardId, indicator },
];
const orders = (cardId: CatalogueId, indicator: Indicator): ExpectedCard[] => [
  { hook: 'order-select', cardId, indicator },
  { hook: 'order-sign', cardId, indicator },
];

const DEFINITIONS: Definition[] = [
  // ---- denosumab status (patient-view) ----
  {
    id: 'demo-dmab-overdue',
    family: 'Overdue',
    story: 'Last Prolia injection 7 months and 10 days ago: the 6-monthly dose is more than 4 weeks late.',
    expected: pv('DMAB-OVERDUE', 'warning'),
    chart: (c) => void c.osteoporosis().doses(DRUGS.prolia, 4, 6, { months: 7, days: 10 }),
  },
  {
    id: 'demo-dmab-lapse',
    family: 'Lapse',
    story: 'Last Prolia injection 13 months ago, no follow-on therapy, no fracture yet.',
    expected: pv('DMAB-LAPSE', 'critical'),
    chart: (c) => void c.osteoporosis().doses(DRUGS.prolia, 6, 6, { months: 13 }),
  },
  {
    id: 'demo-dmab-long-gap',
    family: 'Long-Gap',
    story: 'Last Prolia injection 30 months ago and nothing since: the acute rebound window has passed.',
    expected: pv('DMAB-LONG-GAP', 'warning'),
    chart: (c) => void c.osteoporosis().doses(DRUGS.prolia, 3, 6, { months: 30 }),
  },
  {
    id: 'demo-dmab-planned-stop',
    family: 'Planned-Stop',
    story:
      'Prolia marked stopped 5 days ago; last injection 3.5 months ago: plan follow-on therapy at 6 months.',
    expected: pv('DMAB-PLANNED-STOP', 'warning'),
    chart: (c) =>
      void c
        .osteoporosis()
        .doses(DRUGS.prolia, 5, 6, { months: 3, days: 15 })
        // effectivePeriod.end is the last dose of the course (R2); the stop was recorded 5 days ago.
        .statement(DRUGS.prolia, {
          status: 'stopped',
          start: c.ago({ years: 2, months: 3, days: 15 }),
          end: c.ago({ months: 3, days: 15 }),
          dateAsserted: c.ago({ days: 5 }),
        }),
  },
  {
    id: 'demo-dmab-transition',
    family: 'Transition',
    story:
      'Last Prolia 13 months ago, zoledronic acid 5 mg given 7 months ago; no CTX on file since the infusion.',
    expected: pv('DMAB-TRANSITION-MONITOR', 'info'),
    chart: (c) =>
      void c
        .osteoporosis()
        .doses(DRUGS.prolia, 4, 6, { months: 13 })
        .dose(DRUGS.zoledronicAcid, { months: 7 }),
  },
  {
    id: 'demo-dmab-oral-bp',
    family: 'Oral-Bisphosphonate',
    story:
      '11 Prolia injections over 5 years, stopped 12 months ago; switched to weekly alendronate 6 months ago.',
    expected: pv('DMAB-ORALBP-AFTER-LONG', 'warning'),
    chart: (c) =>
      void c
        .osteoporosis()
        .doses(DRUGS.prolia, 11, 6, { months: 12 })
        .statement(DRUGS.prolia, {
          status: 'stopped',
          start: c.ago({ years: 5, months: 12 }),
          end: c.ago({ months: 12 }),
        })
        .statement(DRUGS.alendronate, { status: 'active', start: c.ago({ months: 6 }) }),
  },
  {
    id: 'demo-dmab-data',
    family: 'Undated',
    story: 'Prolia listed as an active medication with no injection date and no administrations.',
    expected: pv('DMAB-DATA', 'info'),
    chart: (c) =>
      void c.osteoporosis().statement(DRUGS.prolia, { status: 'active', dateAsserted: c.ago({ days: 14 }) }),
  },
  {
    id: 'demo-onc-dmab-stop',
    family: 'Oncology-Stop',
    story: 'Bone metastases; Xgeva 120 mg every 4 weeks, stopped 5 months ago.',
    expected: pv('ONC-DMAB-STOP', 'info'),
    chart: (c) =>
      void c
        .condition(DIAGNOSES.boneMetastases, { onset: c.ago({ years: 2 }) })
        .doses(DRUGS.xgeva, 10, 1, { months: 5 })
        .statement(DRUGS.xgeva, {
          status: 'stopped',
          start: c.ago({ months: 14 }),
          end: c.ago({ months: 5 }),
        }),
  },
  // ---- vertebral fractures (patient-view) ----
  {
    id: 'demo-vfx-recent',
    family: 'Recent-Fracture',
    story: 'L1 wedge compression fracture 8 months ago, no osteoporosis therapy.',
    expected: pv('VFX-RECENT', 'warning'),
    chart: (c) => void c.osteoporosis().condition(DIAGNOSES.wedgeL1, { onset: c.ago({ months: 8 }) }),
  },
  {
    id: 'demo-vfx-imminent',
    family: 'Imminent-Risk',
    story: 'Vertebral compression fracture 18 months ago: still in the imminent-risk window.',
    expected: pv('VFX-IMMINENT', 'info'),
    chart: (c) =>
      void c.osteoporosis().condition(DIAGNOSES.compressionFractureSnomed, { onset: c.ago({ months: 18 }) }),
  },
  {
    id: 'demo-rvfx',
    family: 'Rebound',
    story:
      'Last Prolia 12.5 months ago, then L1 and L3 fractures 8 and 5 weeks ago: suspected rebound fractures.',
    expected: pv('RVFX-SUSPECTED', 'critical'),
    chart: (c) => void reboundHistory(c),
  },
  // ---- order safety (order-select / order-sign) ----
  {
    id: 'demo-order-vertebroplasty',
    family: 'Vertebroplasty',
    story: 'The rebound-fracture history above, and a vertebroplasty (CPT 22511) being ordered.',
    expected: [...pv('RVFX-SUSPECTED', 'critical'), ...orders('ORDER-AUGMENT-RVFX', 'critical')],
    chart: (c) => {
      reboundHistory(c);
      return draftServiceRequest(`${c.id}-draft`, c.id, VERTEBROPLASTY_LUMBOSACRAL, c.today);
    },
  },
  {
    id: 'demo-order-romo-cv',
    family: 'Romosozumab-Recent-MI',
    story:
      'NSTEMI 6 months ago; romosozumab being ordered (boxed warning: not within a year of MI or stroke).',
    expected: orders('ORDER-ROMO-CV', 'critical'),
    chart: (c) => {
      c.osteoporosis()
        .condition(DIAGNOSES.nstemi, { onset: c.ago({ months: 6 }) })
        .normalLabs();
      return c.draftMedication(DRUGS.romosozumab, '210 mg SC once monthly for 12 months');
    },
  },
  {
    id: 'demo-order-romo-cv-old',
    family: 'Romosozumab-Old-MI',
    story: 'NSTEMI 3 years ago; romosozumab being ordered: weigh cardiovascular benefit and risk.',
    expected: orders('ORDER-ROMO-CV-OLD', 'warning'),
    chart: (c) => {
      c.osteoporosis()
        .condition(DIAGNOSES.nstemi, { onset: c.ago({ years: 3 }) })
        .normalLabs();
      return c.draftMedication(DRUGS.romosozumab, '210 mg SC once monthly for 12 months');
    },
  },
  {
    id: 'demo-order-romo-12',
    family: 'Romosozumab-Course-Done',
    story: '12 monthly romosozumab doses already given; a 13th is being ordered.',
    expected: orders('ORDER-ROMO-12', 'warning'),
    chart: (c) => {
      c.osteoporosis().doses(DRUGS.romosozumab, 12, 1, { months: 1 }).normalLabs();
      return c.draftMedication(DRUGS.romosozumab, '210 mg SC once monthly');
    },
  },
  {
    id: 'demo-order-pth-after-dmab',
    family: 'Teriparatide-Switch',
    story:
      'Last Prolia 5 months ago; teriparatide being ordered with no antiresorptive planned (DATA-Switch bone loss).',
    expected: orders('ORDER-PTH-AFTER-DMAB', 'warning'),
    chart: (c) => {
      c.osteoporosis().doses(DRUGS.prolia, 4, 6, { months: 5 }).normalLabs();
      return c.draftMedication(DRUGS.teriparatide, '20 mcg SC once daily');
    },
  },
  {
    id: 'demo-order-pth-24mo',
    family: 'Teriparatide-24-Months',
    story: 'On teriparatide for 25 months; another prescription is being ordered.',
    expected: orders('ORDER-PTH-24MO', 'warning'),
    chart: (c) => {
      c.osteoporosis()
        .statement(DRUGS.teriparatide, { status: 'active', start: c.ago({ months: 25 }) })
        .prescription(DRUGS.teriparatide, {
          status: 'active',
          authoredOn: c.ago({ months: 25 }),
          instruction: '20 mcg SC once daily',
          frequencyPerDay: 1,
        })
        .normalLabs();
      return c.draftMedication(DRUGS.teriparatide, '20 mcg SC once daily');
    },
  },
  {
    id: 'demo-order-zol-renal',
    family: 'Zoledronate-Renal',
    story: 'eGFR 28 two weeks ago; zoledronic acid 5 mg IV being ordered (contraindicated if CrCl < 35).',
    expected: orders('ORDER-ZOL-RENAL', 'critical'),
    chart: (c) => {
      c.osteoporosis()
        .lab(LABS.egfr, 28, { days: 14 })
        .lab(LABS.calcium, 9.3, { days: 14 }, { low: 8.5, high: 10.5 })
        .lab(LABS.vitaminD, 31, { days: 14 });
      return c.draftMedication(DRUGS.zoledronicAcid, '5 mg IV over at least 15 minutes, once');
    },
  },
  {
    id: 'demo-order-dmab-calcium',
    family: 'Denosumab-Low-Calcium',
    story: 'Total calcium 7.9 mg/dL five days ago; denosumab 60 mg being ordered.',
    expected: orders('ORDER-DMAB-CA', 'critical'),
    chart: (c) => {
      c.osteoporosis()
        .doses(DRUGS.prolia, 3, 6, { months: 6 })
        .lab(LABS.calcium, 7.9, { days: 5 }, { low: 8.5, high: 10.5 })
        .lab(LABS.egfr, 68, { days: 5 })
        .lab(LABS.vitaminD, 18, { days: 5 });
      return c.draftMedication(DRUGS.prolia, '60 mg SC once every 6 months');
    },
  },
  {
    id: 'demo-order-dmab-ckd',
    family: 'Denosumab-CKD',
    story: 'eGFR 24 ten days ago (advanced CKD); denosumab 60 mg being ordered.',
    expected: orders('ORDER-DMAB-CKD', 'warning'),
    chart: (c) => {
      c.osteoporosis()
        .doses(DRUGS.prolia, 3, 6, { months: 6 })
        .lab(LABS.egfr, 24, { days: 10 })
        .lab(LABS.calcium, 9.1, { days: 10 }, { low: 8.5, high: 10.5 })
        .lab(LABS.vitaminD, 30, { days: 10 });
      return c.draftMedication(DRUGS.prolia, '60 mg SC once every 6 months');
    },
  },
  {
    id: 'demo-order-dmab-duplicate',
    family: 'Denosumab-Duplicate',
    story:
      'Bone metastases on Xgeva every 4 weeks, last dose 20 days ago; Prolia 60 mg being ordered (decision 17).',
    expected: orders('ORDER-DMAB-DUPLICATE', 'warning'),
    chart: (c) => {
      c.condition(DIAGNOSES.boneMetastases, { onset: c.ago({ years: 1 }) })
        .doses(DRUGS.xgeva, 6, 1, { days: 20 })
        .lab(LABS.egfr, 70, { days: 10 })
        .lab(LABS.calcium, 9.4, { days: 10 }, { low: 8.5, high: 10.5 })
        .lab(LABS.vitaminD, 32, { days: 10 });
      return c.draftMedication(DRUGS.prolia, '60 mg SC once every 6 months');
    },
  },
  {
    id: 'demo-order-labs',
    family: 'No-Recent-Labs',
    story: 'Next Prolia dose due now; no calcium, kidney function or vitamin D result in the last 6 months.',
    expected: orders('ORDER-LABS', 'info'),
    chart: (c) => {
      c.osteoporosis()
        .doses(DRUGS.prolia, 3, 6, { months: 6 })
        .lab(LABS.calcium, 9.5, { months: 14 }, { low: 8.5, high: 10.5 })
        .lab(LABS.egfr, 71, { months: 14 });
      return c.draftMedication(DRUGS.prolia, '60 mg SC once every 6 months');
    },
  },
  {
    id: 'demo-order-immunosuppressed',
    family: 'Transplant',
    story:
      'Kidney transplant recipient on tacrolimus, mycophenolate and prednisone; denosumab 60 mg being ordered.',
    expected: orders('IMMUNOSUPP-DMAB', 'info'),
    chart: (c) => {
      c.osteoporosis()
        .condition(DIAGNOSES.kidneyTransplant, { onset: c.ago({ years: 3 }) })
        .prescription(DRUGS.tacrolimus, {
          status: 'active',
          authoredOn: c.ago({ years: 3 }),
          instruction: '1 mg twice daily',
        })
        .prescription(DRUGS.mycophenolate, {
          status: 'active',
          authoredOn: c.ago({ years: 3 }),
          instruction: '500 mg twice daily',
        })
        .prescription(DRUGS.prednisone5, {
          status: 'active',
          authoredOn: c.ago({ years: 3 }),
          instruction: '5 mg once daily',
          frequencyPerDay: 1,
        })
        .normalLabs();
      return c.draftMedication(DRUGS.prolia, '60 mg SC once every 6 months');
    },
  },
  // ---- glucocorticoids (patient-view) ----
  {
    id: 'demo-giop',
    family: 'Glucocorticoid',
    story: 'Prednisone 5 mg daily for 6.5 months and no osteoporosis therapy.',
    expected: pv('GIOP', 'info'),
    age: 64,
    chart: (c) =>
      void c.prescription(DRUGS.prednisone5, {
        status: 'active',
        authoredOn: c.ago({ months: 6, days: 15 }),
        instruction: '5 mg by mouth once daily',
        frequencyPerDay: 1,
      }),
  },
  // ---- patients who must get no card ----
  {
    id: 'demo-dmab-on-time',
    family: 'On-Time',
    story: 'Last Prolia injection 5 months ago: on schedule, no card.',
    expected: [],
    chart: (c) => void c.osteoporosis().doses(DRUGS.prolia, 6, 6, { months: 5 }),
  },
  {
    id: 'demo-xgeva-active',
    family: 'Oncology-Active',
    story:
      'Bone metastases on Xgeva every 4 weeks, last dose 26 days ago: the osteoporosis rules must not run.',
    expected: [],
    chart: (c) =>
      void c
        .condition(DIAGNOSES.boneMetastases, { onset: c.ago({ years: 1 }) })
        .doses(DRUGS.xgeva, 6, 1, { days: 26 }),
  },
  {
    id: 'demo-vfx-sequela',
    family: 'Old-Fracture',
    story:
      'A T11-T12 fracture coded as a sequela (S22.080S) recorded last month: history, not a recent fracture.',
    expected: [],
    chart: (c) =>
      void c.osteoporosis().condition(DIAGNOSES.wedgeT11T12Sequela, { recorded: c.ago({ months: 1 }) }),
  },
  {
    id: 'demo-vfx-refuted',
    family: 'Refuted-Fracture',
    story: 'A vertebral fracture 3 months ago marked refuted: ignored.',
    expected: [],
    chart: (c) =>
      void c
        .osteoporosis()
        .condition(DIAGNOSES.osteoporoticVfxL1, { onset: c.ago({ months: 3 }), verification: 'refuted' }),
  },
  {
    id: 'demo-markup-text',
    family: 'Markup-Text',
    story:
      'A recent L1 fracture whose free-text name contains HTML: every screen must show it as plain text.',
    expected: pv('VFX-RECENT', 'warning'),
    chart: (c) =>
      void c
        .osteoporosis()
        .condition(DIAGNOSES.wedgeL1, { onset: c.ago({ months: 4 }), text: HOSTILE_DISPLAY_TEXT }),
  },
];

/**
 * Free text carrying markup, as an interface engine might pass it through. It is harmless if rendered (no script,
 * no event handler) but detectable: a page that injects it creates an element with `data-demo-injected`.
 */
export const HOSTILE_DISPLAY_TEXT =
  'L1 fracture <img src="x" data-demo-injected="img"> <b data-demo-injected="b">bold?</b> [link](javascript:void(0)) & more';

/** Prolia every 6 months, last 12.5 months ago, no follow-on; L1 and L3 fractures 8 and 5 weeks ago (scenario 35). */
function reboundHistory(c: Chart): void {
  c.osteoporosis()
    .doses(DRUGS.prolia, 5, 6, { months: 12, days: 15 })
    .condition(DIAGNOSES.osteoporoticVfxL1, { onset: c.ago({ days: 56 }) })
    .condition(DIAGNOSES.wedgeL3, { onset: c.ago({ days: 36 }) })
    .normalLabs();
}

/** All demo patients, their charts dated relative to `now`. */
export function demoPatients(now: Date = new Date()): DemoPatient[] {
  return DEFINITIONS.map((d) => {
    const chart = new Chart(d.id, now);
    const draftOrder = d.chart(chart) ?? undefined;
    const subject = patient(d.id, d.family, dateBefore(now, { years: d.age ?? 72, months: 3 }), d.gender);
    return {
      id: d.id,
      name: `Demo ${d.family}`,
      story: d.story,
      expected: d.expected,
      resources: [subject, ...chart.resources],
      ...(draftOrder ? { draftOrder } : {}),
    };
  });
}
