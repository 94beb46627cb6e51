import { addDays, formatDay } from '../dates.js';
import type { Finding } from '../findings.js';
import type { MedicationRecord } from '../record/types.js';
import { evidenceOf, makeFinding, round1, type RuleContext } from './common.js';
import type { DenosumabCourse } from './denosumab-course.js';
import { currentlyOn } from './therapy.js';
import { addMonths } from '../dates.js';

/**
 * R11 glucocorticoid-induced osteoporosis (ACR 2022, Humphrey 2023; seeds 002/004): an active oral glucocorticoid
 * at ≥ 2.5 mg/day prednisone-equivalent (decision 6 table) for > 90 days, with no current osteoporosis therapy →
 * GIOP (info). The daily dose is dose × frequency from the dosage, or one unit of the coded strength a day when
 * the order has no dosage.
 */
export function glucocorticoidExposure(ctx: RuleContext, course: DenosumabCourse): Finding | undefined {
  const { record, today, thresholds: t } = ctx;
  let best: { m: MedicationRecord; mgPerDay: number; days: number } | undefined;
  for (const m of record.glucocorticoids) {
    if (!m.active || m.startDay === undefined || m.dailyDoseMg === undefined || m.startDay > today) continue;
    const mgPerDay = m.dailyDoseMg * m.glucocorticoid!.prednisoneFactor;
    const days = today - m.startDay;
    if (mgPerDay + 1e-9 < t.glucocorticoidMinPrednisoneMgPerDay || days <= t.glucocorticoidMinDays) continue;
    if (!best || days > best.days) best = { m, mgPerDay, days };
  }
  if (!best) return undefined;
  if (onOsteoporosisTherapy(ctx, course)) return undefined;
  const { m } = best;
  return makeFinding(
    'GIOP',
    'info',
    {
      glucocorticoid: m.display,
      prednisoneEquivalentMgPerDay: round1(best.mgPerDay),
      since: formatDay(m.startDay!),
      days: best.days,
    },
    [
      evidenceOf(
        m.resourceType,
        `${m.display} (${m.status}), ${round1(best.mgPerDay)} mg/day prednisone-equivalent`,
        { reference: m.reference, day: m.startDay, matchedByText: m.glucocorticoid!.matchedByText },
      ),
    ],
    today,
    { matchedByTextOnly: m.glucocorticoid!.matchedByText },
  );
}

/** Current osteoporosis therapy: denosumab on schedule, zoledronate within the lapse window, or an active agent. */
function onOsteoporosisTherapy(ctx: RuleContext, course: DenosumabCourse): boolean {
  const { record, today, thresholds: t } = ctx;
  if (course.last && today <= addDays(addMonths(course.last.day, t.doseIntervalMonths), t.overdueGraceDays))
    return true;
  if ((record.byAgent.get('denosumab') ?? []).some((m) => m.active)) return true;
  const zolWindow = addMonths(today, -t.lapseWindowMonths);
  if (
    (record.byAgent.get('zoledronate') ?? []).some(
      (m) => m.active || (m.doseDay !== undefined && m.doseDay >= zolWindow),
    )
  )
    return true;
  for (const agent of [
    'oral-bisphosphonate',
    'teriparatide',
    'abaloparatide',
    'romosozumab',
    'raloxifene',
    'pamidronate',
  ] as const) {
    if (currentlyOn(record, agent, today, 31)) return true;
  }
  return false;
}
