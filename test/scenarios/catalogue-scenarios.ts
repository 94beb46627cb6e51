import type { FhirResource, HookName } from '../../src/protocol/types.js';
import * as F from '../clinical/support/fhir.js';

/**
 * One chart per catalogue card (R16), each a minimal osteoporosis patient plus the records that make the card fire:
 * the catalogue-coverage test checks each fires its card over HTTP with the catalogue indicator, and the
 * serialisation test renders them all through Fastify's response schema.
 */
export interface CatalogueScenario {
  /** The card the chart is built to fire, and the indicator the catalogue gives it. */
  id: string;
  indicator: 'info' | 'warning' | 'critical';
  hook: HookName;
  resources: FhirResource[];
  drafts?: FhirResource[];
  /** Other cards the chart must fire too (`ID:indicator`). */
  alsoFires?: string[];
}

const base = (): FhirResource[] => [F.patient(), F.osteoporosis()];
const pv = (id: string, indicator: CatalogueScenario['indicator'], records: FhirResource[]) =>
  ({ id, indicator, hook: 'patient-view', resources: [...base(), ...records] }) satisfies CatalogueScenario;
const os = (
  id: string,
  indicator: CatalogueScenario['indicator'],
  records: FhirResource[],
  drafts: FhirResource[],
) =>
  ({
    id,
    indicator,
    hook: 'order-select',
    resources: [...base(), ...records],
    drafts,
  }) satisfies CatalogueScenario;

const lateVertebralFracture = () => [
  F.prolia('2024-06-01'),
  F.condition(F.icd('S32.010A'), { onset: '2025-04-20' }),
];

export const catalogueScenarios: CatalogueScenario[] = [
  pv('DMAB-OVERDUE', 'warning', [F.prolia('2024-11-15')]),
  pv('DMAB-LAPSE', 'critical', [F.prolia('2024-05-15')]),
  pv('DMAB-LONG-GAP', 'warning', [F.prolia('2022-05-15')]),
  pv('DMAB-PLANNED-STOP', 'warning', [
    F.prolia('2025-03-01'),
    F.statement(F.PROLIA, { status: 'stopped', effectiveDateTime: '2025-03-01', dateAsserted: '2025-06-10' }),
  ]),
  pv('DMAB-TRANSITION-MONITOR', 'info', [
    F.prolia('2024-05-15'),
    F.administration(F.ZOLEDRONATE_5, '2024-11-20'),
  ]),
  pv('DMAB-ORALBP-AFTER-LONG', 'warning', [
    F.statement(F.PROLIA, { status: 'stopped', period: { start: '2019-06-01', end: '2024-06-01' } }),
    F.statement(F.ALENDRONATE_70, { period: { start: '2024-12-01' } }),
  ]),
  pv('DMAB-DATA', 'info', [F.statement(F.PROLIA, { dateAsserted: '2025-06-01' })]),
  pv('VFX-RECENT', 'warning', [F.condition(F.icd('S32.010A'), { onset: '2024-10-15' })]),
  pv('VFX-IMMINENT', 'info', [F.condition(F.icd('S32.010A'), { onset: '2023-10-15' })]),
  pv('RVFX-SUSPECTED', 'critical', lateVertebralFracture()),
  pv('GIOP', 'info', [F.medicationRequest(F.PREDNISONE_5, { authoredOn: '2024-12-01', doseUnits: 1 })]),
  pv('ONC-DMAB-STOP', 'info', [F.administration(F.XGEVA, '2024-10-01', { doseMg: 120 })]),
  {
    ...os('ORDER-AUGMENT-RVFX', 'critical', lateVertebralFracture(), [
      F.serviceRequest({ system: F.CPT, code: '22514' }, 'kp'),
    ]),
    // Order hooks show the patient's status cards too (ORDER_HOOK_STATUS_CARDS=always by default).
    alsoFires: ['RVFX-SUSPECTED:critical'],
  },
  os(
    'ORDER-ROMO-CV',
    'critical',
    [F.condition(F.icd('I63.9'), { onset: '2025-01-01' })],
    [F.draftMedication(F.ROMOSOZUMAB, 'r1')],
  ),
  os(
    'ORDER-ROMO-CV-OLD',
    'warning',
    [F.condition(F.icd('I21.4'), { onset: '2022-01-01' })],
    [F.draftMedication(F.ROMOSOZUMAB, 'r2')],
  ),
  os(
    'ORDER-ROMO-12',
    'warning',
    Array.from({ length: 12 }, (_, i) =>
      F.administration(F.ROMOSOZUMAB, `2024-${String(i + 1).padStart(2, '0')}-05`),
    ),
    [F.draftMedication(F.ROMOSOZUMAB, 'r3')],
  ),
  os('ORDER-PTH-AFTER-DMAB', 'warning', [F.prolia('2025-01-10')], [F.draftMedication(F.TERIPARATIDE, 't1')]),
  os(
    'ORDER-PTH-24MO',
    'warning',
    [F.statement(F.TERIPARATIDE, { period: { start: '2023-01-01' } })],
    [F.draftMedication(F.TERIPARATIDE, 't2')],
  ),
  os(
    'ORDER-ZOL-RENAL',
    'critical',
    [F.observation('62238-1', 20, 'mL/min/{1.73_m2}', '2025-06-01')],
    [F.draftMedication(F.ZOLEDRONATE_5, 'z1')],
  ),
  os(
    'ORDER-DMAB-CA',
    'critical',
    [F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10')],
    [F.draftMedication(F.PROLIA, 'd1')],
  ),
  os(
    'ORDER-DMAB-CKD',
    'warning',
    [F.observation('62238-1', 25, 'mL/min/{1.73_m2}', '2025-06-01')],
    [F.draftMedication(F.PROLIA, 'd2')],
  ),
  os('ORDER-LABS', 'info', [], [F.draftMedication(F.PROLIA, 'd2')]),
  os(
    'IMMUNOSUPP-DMAB',
    'info',
    [F.condition(F.icd('Z94.0'), { onset: '2018-01-01' })],
    [F.draftMedication(F.PROLIA, 'd3')],
  ),
  os(
    'ORDER-DMAB-DUPLICATE',
    'warning',
    [F.administration(F.XGEVA, '2025-05-30', { doseMg: 120 })],
    [F.draftMedication(F.PROLIA, 'd4', { doseMg: 60 })],
  ),
  // The service's notice: more draft orders than MAX_DRAFT_ORDERS (200 by default).
  {
    id: 'ORDER-CHECK-INCOMPLETE',
    indicator: 'warning',
    hook: 'order-sign',
    resources: base(),
    drafts: Array.from({ length: 201 }, (_, i) => F.draftMedication(F.ALENDRONATE_70, `bp${i}`)),
  },
];
