import type { Day } from '../dates.js';
import type { Agent } from '../terminology/classify-medication.js';
import type { MedicationRecord, PatientRecord } from '../record/types.js';

/** Follow-on and other bone therapies relative to a denosumab dose (R6). */

export interface DatedRecord {
  day: Day;
  record: MedicationRecord;
}

/** Administered (dose-dated) records of an agent with from < day ≤ until, ascending. */
export function dosesBetween(record: PatientRecord, agent: Agent, from: Day, until: Day): DatedRecord[] {
  return (record.byAgent.get(agent) ?? [])
    .filter((m) => m.doseDay !== undefined && m.doseDay > from && m.doseDay <= until)
    .map((m) => ({ day: m.doseDay!, record: m }))
    .sort((a, b) => a.day - b.day);
}

/** R6: active oral bisphosphonate started after `from` (and, optionally, before `before`). */
export function activeOralBisphosphonateAfter(
  record: PatientRecord,
  from: Day,
  before?: Day,
): DatedRecord | undefined {
  const hits = (record.byAgent.get('oral-bisphosphonate') ?? [])
    .filter(
      (m) =>
        m.active &&
        m.startDay !== undefined &&
        m.startDay > from &&
        (before === undefined || m.startDay < before),
    )
    .map((m) => ({ day: m.startDay!, record: m }))
    .sort((a, b) => a.day - b.day);
  return hits[0];
}

const NON_MITIGATING: readonly Agent[] = [
  'raloxifene',
  'hormone-therapy',
  'teriparatide',
  'abaloparatide',
  'romosozumab',
  'pamidronate',
];

/**
 * Decision 4 / R6 "not mitigating": therapies found after the last denosumab dose (given, or active) that do not
 * suppress the lapse card. Named on the card so the clinician sees they were considered.
 */
export function nonMitigatingTherapies(
  record: PatientRecord,
  since: Day,
  today: Day,
): { names: string[]; agents: Agent[] } {
  const names: string[] = [];
  const agents: Agent[] = [];
  for (const agent of NON_MITIGATING) {
    const hit = (record.byAgent.get(agent) ?? []).find(
      (m) => m.active || (m.doseDay !== undefined && m.doseDay > since && m.doseDay <= today),
    );
    if (hit) {
      names.push(hit.display);
      agents.push(agent);
    }
  }
  return { names, agents };
}

/** Currently on an agent: an active order/statement, or a dose within `withinDays`. */
export function currentlyOn(
  record: PatientRecord,
  agent: Agent,
  today: Day,
  withinDays: number,
): MedicationRecord | undefined {
  return (record.byAgent.get(agent) ?? []).find(
    (m) => m.active || (m.doseDay !== undefined && m.doseDay <= today && today - m.doseDay <= withinDays),
  );
}
