import type { FhirResource, HookName } from '../../../src/protocol/types.js';
import * as F from '../../clinical/support/fhir.js';

/**
 * The clinical facts the metamorphic suite re-encodes: the knowledge.md §3 sample scenarios (NOW 2025-06-15) and
 * own scenarios for decisions 18 and 19, each in its canonical encoding (RxNorm / ICD-10-CM / LOINC codings,
 * medicationCodeableConcept, valueQuantity) with the cards knowledge.md expects.
 */
export interface Scenario {
  name: string;
  hook: HookName;
  resources: FhirResource[];
  drafts?: FhirResource[];
  /** Exact sorted `topic.code:indicator` list of the canonical encoding. */
  cards: string[];
}

const base = () => [F.patient(), F.osteoporosis()];
const pv = (name: string, resources: FhirResource[], cards: string[]): Scenario => ({
  name,
  hook: 'patient-view',
  resources: [...base(), ...resources],
  cards,
});
const os = (name: string, resources: FhirResource[], drafts: FhirResource[], cards: string[]): Scenario => ({
  name,
  hook: 'order-select',
  resources: [...base(), ...resources],
  drafts,
  cards,
});

export function scenarios(): Scenario[] {
  const rvfx = () => [
    F.prolia('2024-06-01'),
    F.condition(F.icd('M80.08XA'), { onset: '2025-04-20', bodySite: 'L1' }),
    F.condition(F.icd('S32.030A'), { onset: '2025-05-10' }),
  ];
  return [
    pv('#4 overdue by 1 day', [F.prolia('2024-11-17')], ['DMAB-OVERDUE:warning']),
    pv('#5 7 months', [F.prolia('2024-11-15')], ['DMAB-OVERDUE:warning']),
    pv('#7 10 months', [F.prolia('2024-08-15')], ['DMAB-LAPSE:critical']),
    pv('#8 13 months', [F.prolia('2024-05-15')], ['DMAB-LAPSE:critical']),
    pv('#1 5 months, on time', [F.prolia('2025-01-15')], []),
    pv(
      '#9 zoledronate after t_last',
      [F.prolia('2024-05-15'), F.administration(F.ZOLEDRONATE_5, '2024-11-20', { doseMg: 5 })],
      ['DMAB-TRANSITION-MONITOR:info'],
    ),
    pv(
      '#11 alendronate after 5 years',
      [
        F.statement(F.PROLIA, { status: 'stopped', period: { start: '2019-06-01', end: '2024-06-01' } }),
        F.statement(F.ALENDRONATE_70, { status: 'active', period: { start: '2024-12-01' } }),
      ],
      ['DMAB-ORALBP-AFTER-LONG:warning'],
    ),
    pv(
      '#13 Xgeva every 4 weeks',
      [
        F.condition(F.icd('C79.51'), { onset: '2023-01-01' }),
        F.administration(F.XGEVA, '2025-04-22', { doseMg: 120 }),
        F.administration(F.XGEVA, '2025-05-20', { doseMg: 120 }),
      ],
      [],
    ),
    pv('#15 Jubbonti 13 months', [F.administration(F.JUBBONTI, '2024-05-15')], ['DMAB-LAPSE:critical']),
    pv(
      '#18 entered-in-error dose ignored',
      [F.prolia('2025-03-01', { status: 'entered-in-error' }), F.prolia('2024-05-15')],
      ['DMAB-LAPSE:critical'],
    ),
    pv(
      '#21 statement without date',
      [F.statement(F.PROLIA, { status: 'active', dateAsserted: '2025-06-01' })],
      ['DMAB-DATA:info'],
    ),
    pv(
      '#25 S32.010A 8 months',
      [F.condition(F.icd('S32.010A'), { onset: '2024-10-15' })],
      ['VFX-RECENT:warning'],
    ),
    pv(
      '#27 SNOMED 42942008 18 months',
      [F.condition(F.snomed('42942008'), { onset: '2023-12-15' })],
      ['VFX-IMMINENT:info'],
    ),
    pv('#35 rebound pattern', rvfx(), ['RVFX-SUSPECTED:critical']),
    os(
      '#38 vertebroplasty in #35',
      rvfx(),
      [F.serviceRequest({ system: F.CPT, code: '22511' }, 'vp1')],
      ['ORDER-AUGMENT-RVFX:critical', 'RVFX-SUSPECTED:critical'],
    ),
    os(
      '#41 romosozumab after NSTEMI',
      [F.condition(F.icd('I21.4'), { onset: '2024-12-15' })],
      [F.draftMedication(F.ROMOSOZUMAB, 'romo')],
      ['ORDER-ROMO-CV:critical'],
    ),
    os(
      '#47 teriparatide after Prolia',
      [F.prolia('2025-01-10')],
      [F.draftMedication(F.TERIPARATIDE, 'pth')],
      ['ORDER-PTH-AFTER-DMAB:warning'],
    ),
    os(
      '#50 zoledronate with eGFR 28',
      [F.observation('62238-1', 28, 'mL/min/{1.73_m2}', '2025-06-01')],
      [F.draftMedication(F.ZOLEDRONATE_5, 'zol', { doseMg: 5 })],
      ['ORDER-LABS:info', 'ORDER-ZOL-RENAL:critical'],
    ),
    os(
      '#52 denosumab with calcium 7.9',
      [F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10')],
      [F.draftMedication(F.PROLIA, 'dmab', { doseMg: 60 })],
      ['ORDER-DMAB-CA:critical', 'ORDER-LABS:info'],
    ),
    pv(
      '#55 prednisone 5 mg daily',
      [F.medicationRequest(F.PREDNISONE_5, { authoredOn: '2024-12-01', doseUnits: 1 })],
      ['GIOP:info'],
    ),
    pv(
      '#61 Prolia stopped 3.5 months after the last dose',
      [
        F.prolia('2025-03-01'),
        F.statement(F.PROLIA, {
          status: 'stopped',
          effectiveDateTime: '2025-03-01',
          dateAsserted: '2025-06-10',
        }),
      ],
      ['DMAB-PLANNED-STOP:warning'],
    ),
    // Own scenarios: a hemolysed newer result must not hide an older one; corrected calcium (decision 19).
    os(
      'own: eGFR 25 then a newer eGFR without value',
      [
        F.observation('62238-1', 25, 'mL/min/{1.73_m2}', '2025-06-01'),
        F.observation('62238-1', undefined, 'mL/min/{1.73_m2}', '2025-06-10'),
        F.observation('17861-6', 9.4, 'mg/dL', '2025-06-01', { low: 8.6, high: 10.3 }),
        F.observation('62292-8', 32, 'ng/mL', '2025-06-01'),
      ],
      [F.draftMedication(F.PROLIA, 'dmab2', { doseMg: 60 })],
      ['ORDER-DMAB-CKD:warning'],
    ),
    os(
      'own: corrected calcium low, total normal, same day',
      [
        F.observation('17861-6', 8.9, 'mg/dL', '2025-06-10'),
        F.observation('46099-8', 8.2, 'mg/dL', '2025-06-10'),
        ...F.normalLabs('2025-06-01').filter((o) => !JSON.stringify(o.code).includes('17861-6')),
      ],
      [F.draftMedication(F.PROLIA, 'dmab3', { doseMg: 60 })],
      ['ORDER-DMAB-CA:critical'],
    ),
  ];
}
