import { addMonths, type Day } from '../dates.js';
import type { Evidence } from '../findings.js';
import type { Regimen } from '../terminology/classify-medication.js';
import type { MedicationRecord, PatientRecord } from '../record/types.js';
import type { ClinicalThresholds } from '../../config/clinical.js';
import { evidenceOf } from './common.js';
import { describeAgentRecord } from '../record/medications.js';

/**
 * The denosumab course reconstructed from the record (R1, R2, R4): dated doses (administrations and statements
 * with a dose date; one per calendar day), the effective regimen of each dose, the explicit stop signal and the
 * records that document denosumab without a usable date.
 */

export interface DoseEvent {
  day: Day;
  /** Regimen of this dose after R1a and inheritance from the nearest classified dose (see effectiveRegimens). */
  regimen: Regimen;
  /** True only when every record of this day was recognised by text alone. */
  matchedByText: boolean;
  evidence: Evidence;
}

export interface StopSignal {
  day?: Day;
  record: MedicationRecord;
}

export interface DenosumabCourse {
  doses: DoseEvent[];
  last?: DoseEvent;
  /** First known day of the course (earliest dose or statement period start). */
  firstDay?: Day;
  /** Explicit stop (R4) not superseded by a later dose (R15: latest dated evidence wins). */
  stop?: StopSignal;
  /** Denosumab documented without any usable dose date (R2: verify the last injection). */
  undated: MedicationRecord[];
  /** Orders only (authoredOn): never proof of administration (R2.3). */
  orders: MedicationRecord[];
  /** Some denosumab record carried only dates in the future (R15). */
  futureOnly: boolean;
}

/**
 * Decision 2 (ECTS 2021: the partial efficacy of a follow-on therapy depends on how long denosumab was given): a
 * course of at least `oralBisphosphonateLongCourseDoses` doses, or of `oralBisphosphonateLongCourseMonths` from its
 * first known day to its last dose, is too long for an oral bisphosphonate to follow it.
 */
export function isLongCourse(course: DenosumabCourse, t: ClinicalThresholds): boolean {
  if (!course.last) return false;
  const first = course.firstDay ?? course.last.day;
  return (
    course.doses.length >= t.oralBisphosphonateLongCourseDoses ||
    addMonths(first, t.oralBisphosphonateLongCourseMonths) <= course.last.day
  );
}

const doseEvidence = (m: MedicationRecord, day: Day) =>
  evidenceOf(
    m.resourceType,
    `${describeAgentRecord(m)}${m.doseMg !== undefined ? ` (${m.doseMg} mg)` : ''}`,
    {
      reference: m.reference,
      day,
      matchedByText: m.agent?.matchedByText ?? false,
    },
  );

/** The day a stop was recorded: dateAsserted / period end / effective date / lastUpdated; for orders lastUpdated or authoredOn. */
function stopDay(m: MedicationRecord): Day | undefined {
  if (m.kind === 'statement') return m.assertedDay ?? m.endDay ?? m.doseDay ?? m.startDay ?? m.lastUpdatedDay;
  return m.lastUpdatedDay ?? m.assertedDay;
}

/**
 * R2.1: an administration that documents a given dose (a missing status is read as completed); decision 18: a
 * dispense handed over and a billed injection count the same (their records are kept only when they do).
 */
const isGivenAdministration = (m: MedicationRecord) =>
  m.kind === 'dispense' ||
  m.kind === 'billing' ||
  (m.kind === 'administration' &&
    (m.status === '' || m.status === 'completed' || m.status === 'in-progress'));

/**
 * R1a/R1d: a dose whose own record does not give the regimen inherits the regimen of the nearest earlier
 * classified dose (same course); with none, the course is read as osteoporosis only when the last observed
 * inter-dose interval is ≥ unknownRegimenMinIntervalMonths, else it stays unknown.
 */
function effectiveRegimens(doses: { day: Day; regimen: Regimen }[], minIntervalMonths: number): Regimen[] {
  const out: Regimen[] = [];
  let lastKnown: Regimen | undefined;
  for (let i = 0; i < doses.length; i++) {
    const own = doses[i]!.regimen;
    if (own !== 'unknown') lastKnown = own;
    if (own !== 'unknown') out.push(own);
    else if (lastKnown) out.push(lastKnown);
    else if (i > 0 && addMonths(doses[i - 1]!.day, minIntervalMonths) <= doses[i]!.day)
      out.push('osteoporosis');
    else out.push('unknown');
  }
  return out;
}

export function denosumabCourse(record: PatientRecord, thresholds: ClinicalThresholds): DenosumabCourse {
  const records = record.byAgent.get('denosumab') ?? [];
  const byDay = new Map<Day, { regimen: Regimen; matchedByText: boolean; evidence: Evidence }>();
  const undated: MedicationRecord[] = [];
  const orders: MedicationRecord[] = [];
  let firstDay: Day | undefined;
  let anyDated = false;
  let anyFuture = false;
  // R2/R4: the date of a stopped course statement is its stop date, not another injection, when it falls less than
  // `unknownRegimenMinIntervalMonths` (5) after an administered dose — no 6-monthly dose can follow that soon
  // (e.g. "Prolia stopped on 2025-06-10", last administration 2025-03-01: the last dose stays 2025-03-01).
  const administered = records
    .filter((m) => isGivenAdministration(m) && m.doseDay !== undefined)
    .map((m) => m.doseDay!);
  const isStopDateOnly = (m: MedicationRecord) =>
    m.kind === 'statement' &&
    m.explicitStop &&
    m.doseDay !== undefined &&
    administered.some(
      (d) => d < m.doseDay! && m.doseDay! < addMonths(d, thresholds.unknownRegimenMinIntervalMonths),
    );
  for (const m of records) {
    // R1c: a future-dated oncology record (a scheduled Xgeva dose) is not a Prolia data-quality problem.
    if (m.hadFutureDate && m.agent?.regimen !== 'oncology') anyFuture = true;
    if (m.kind === 'request') {
      orders.push(m);
      continue;
    }
    if (m.startDay !== undefined && (firstDay === undefined || m.startDay < firstDay)) firstDay = m.startDay;
    if (m.doseDay === undefined) {
      // R2/R15: denosumab documented without a usable dose date (a statement, or an administration recorded as
      // given but undated) → verify the last injection; never compute overdue from it.
      if (
        (m.kind === 'statement' && m.status !== 'intended') ||
        (isGivenAdministration(m) && !m.hadFutureDate)
      )
        undated.push(m);
      continue;
    }
    if (isStopDateOnly(m)) continue;
    anyDated = true;
    const agent = m.agent!;
    const existing = byDay.get(m.doseDay);
    if (!existing) {
      byDay.set(m.doseDay, {
        regimen: agent.regimen,
        matchedByText: agent.matchedByText,
        evidence: doseEvidence(m, m.doseDay),
      });
    } else {
      // R15 duplicates (statement + administration of one injection): count once, keep the stronger match.
      if (existing.regimen === 'unknown') existing.regimen = agent.regimen;
      if (!agent.matchedByText && existing.matchedByText) {
        existing.matchedByText = false;
        existing.evidence = doseEvidence(m, m.doseDay);
      }
    }
  }
  const sorted = [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([day, v]) => ({ day, ...v }));
  const regimens = effectiveRegimens(sorted, thresholds.unknownRegimenMinIntervalMonths);
  const doses: DoseEvent[] = sorted.map((d, i) => ({ ...d, regimen: regimens[i]! }));
  const last = doses[doses.length - 1];
  if (doses[0] && (firstDay === undefined || doses[0].day < firstDay)) firstDay = doses[0].day;

  // R4 explicit stop, unless a later dose supersedes it. Undated stops cannot be ordered against dated doses
  // and are ignored when doses exist.
  let stop: StopSignal | undefined;
  for (const m of records) {
    if (!m.explicitStop) continue;
    const day = stopDay(m);
    if (last && (day === undefined || day < last.day)) continue;
    if (!stop || (day !== undefined && (stop.day === undefined || day > stop.day)))
      stop = { ...(day !== undefined ? { day } : {}), record: m };
  }

  return {
    doses,
    ...(last ? { last } : {}),
    ...(firstDay !== undefined ? { firstDay } : {}),
    ...(stop ? { stop } : {}),
    undated,
    orders,
    futureOnly: !anyDated && anyFuture,
  };
}
