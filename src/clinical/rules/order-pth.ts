import { addMonths, formatDay, wholeMonthsBetween, type Day } from '../dates.js';
import type { Finding } from '../findings.js';
import { capForText, evidenceOf, makeFinding, round1, type RuleContext } from './common.js';
import type { DenosumabCourse } from './denosumab-course.js';
import type { DraftOrder } from './draft-orders.js';
import type { ReboundFracture } from './rebound.js';
import { activeOralBisphosphonateAfter, dosesBetween } from './therapy.js';

const isPth = (d: DraftOrder) => d.agent?.agent === 'teriparatide' || d.agent?.agent === 'abaloparatide';
const ANTIRESORPTIVES = new Set(['denosumab', 'zoledronate', 'oral-bisphosphonate']);

/**
 * R10: teriparatide/abaloparatide ordered within 24 months of the last osteoporosis-regimen denosumab dose with no
 * antiresorptive given or planned → ORDER-PTH-AFTER-DMAB: DATA-Switch (Leder 2015) transient spine/hip and
 * progressive radius bone loss; seed 000 (RVFx → potent antiresorptive first). Critical with suspected rebound
 * fractures (decision 13), else warning.
 */
export function pthAfterDenosumab(
  ctx: RuleContext,
  draft: DraftOrder,
  course: DenosumabCourse,
  rebound: ReboundFracture[],
  otherDrafts: DraftOrder[],
): Finding | undefined {
  if (!isPth(draft) || !course.last || course.last.regimen !== 'osteoporosis') return undefined;
  const { record, today, thresholds: t } = ctx;
  const last = course.last;
  if (today > addMonths(last.day, t.pthAfterDenosumabMonths)) return undefined;
  // A planned or given antiresorptive after the last dose (or ordered together with this draft) answers the concern.
  if (dosesBetween(record, 'zoledronate', last.day, today).length > 0) return undefined;
  if (activeOralBisphosphonateAfter(record, last.day)) return undefined;
  const planned = ['zoledronate', 'denosumab'].some((a) =>
    (record.byAgent.get(a) ?? []).some(
      (m) => m.kind === 'request' && m.active && m.assertedDay !== undefined && m.assertedDay > last.day,
    ),
  );
  if (planned) return undefined;
  if (otherDrafts.some((d) => d !== draft && d.agent && ANTIRESORPTIVES.has(d.agent.agent) && !d.stopping))
    return undefined;
  const withRebound = rebound.some((r) => r.current);
  return makeFinding(
    'ORDER-PTH-AFTER-DMAB',
    capForText(withRebound ? 'critical' : 'warning', last.matchedByText),
    {
      orderName: draft.orderName,
      lastDoseDate: formatDay(last.day),
      monthsSinceLastDose: wholeMonthsBetween(last.day, today),
      withRebound,
    },
    [last.evidence, ...rebound.filter((r) => r.current).flatMap((r) => r.episode.evidence)],
    today,
    { matchedByTextOnly: last.matchedByText, ...(draft.ref ? { draftOrderRef: draft.ref } : {}) },
  );
}

/**
 * R10 / decision 23: cumulative PTH-analogue exposure ≥ 24 months → ORDER-PTH-24MO (warning). US labels: Tymlos —
 * cumulative use of abaloparatide and PTH analogues beyond 2 years in a lifetime is not recommended; Forteo — use
 * beyond 2 years only if the patient remains at or has returned to high fracture risk. Exposure = union of the periods of teriparatide and
 * abaloparatide statements/orders (active ones run to today) and administration days.
 */
export function pthCumulative(ctx: RuleContext, draft: DraftOrder): Finding | undefined {
  if (!isPth(draft)) return undefined;
  const { record, today, thresholds: t } = ctx;
  const records = [
    ...(record.byAgent.get('teriparatide') ?? []),
    ...(record.byAgent.get('abaloparatide') ?? []),
  ];
  const intervals: [Day, Day][] = [];
  for (const m of records) {
    if (m.status === 'draft') continue;
    const start = m.kind === 'administration' ? m.doseDay : (m.startDay ?? m.doseDay);
    if (start === undefined || start > today) continue;
    const end =
      m.kind === 'administration'
        ? start
        : Math.min(today, m.endDay ?? (m.active ? today : (m.doseDay ?? start)));
    intervals.push([start, Math.max(start, end)]);
  }
  if (intervals.length === 0) return undefined;
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [curStart, curEnd] = intervals[0]!;
  for (const [s, e] of intervals.slice(1)) {
    if (s <= curEnd + 1) curEnd = Math.max(curEnd, e);
    else {
      total += curEnd - curStart;
      [curStart, curEnd] = [s, e];
    }
  }
  total += curEnd - curStart;
  const first = intervals[0]![0];
  // Calendar comparison: the exposure covers at least as many days as pthMaxMonths calendar months from the start.
  if (total < addMonths(first, t.pthMaxMonths) - first) return undefined;
  return makeFinding(
    'ORDER-PTH-24MO',
    'warning',
    {
      orderName: draft.orderName,
      cumulativeMonths: round1(total / 30.4375),
      firstDoseDate: formatDay(first),
      // Decision 23: the label of the drug being ordered decides the wording (Tymlos: not recommended; Forteo: only
      // if fracture risk remains or has returned high).
      drug: draft.agent!.agent === 'abaloparatide' ? 'abaloparatide' : 'teriparatide',
    },
    records.map((m) =>
      evidenceOf(m.resourceType, `${m.display} (${m.status || 'no status'})`, {
        reference: m.reference,
        day: m.startDay ?? m.doseDay,
        matchedByText: m.agent?.matchedByText ?? false,
      }),
    ),
    today,
    draft.ref ? { draftOrderRef: draft.ref } : {},
  );
}
