import { addMonths, formatDay, wholeMonthsBetween } from '../dates.js';
import type { Finding } from '../findings.js';
import { evidenceOf, makeFinding, round1, type RuleContext } from './common.js';
import { isLongCourse, type DenosumabCourse } from './denosumab-course.js';
import type { DraftOrder } from './draft-orders.js';

/**
 * Decision 16: on order-select/order-sign, a draft of denosumab (osteoporosis regimen), zoledronic acid
 * (osteoporosis strength) or an oral bisphosphonate for a patient whose course is overdue, lapsed or stopped counts
 * as planned therapy: the status card names the order being placed and drops to info (DMAB-TRANSITION-MONITOR),
 * except an oral bisphosphonate after ≥ oralBisphosphonateLongCourseDoses denosumab doses (or a course of
 * ≥ oralBisphosphonateLongCourseMonths), which gives DMAB-ORALBP-AFTER-LONG (warning, decision 2). Every draft of
 * the session counts, selected or not (the same reading as R10's "planned antiresorptive").
 */
const REPLACED = new Set(['DMAB-OVERDUE', 'DMAB-LAPSE', 'DMAB-LONG-GAP', 'DMAB-PLANNED-STOP']);

function plannedFollowOnDraft(drafts: readonly DraftOrder[]): DraftOrder | undefined {
  return drafts.find((d) => {
    const a = d.agent;
    if (!a || d.stopping) return false;
    if (a.agent === 'denosumab' || a.agent === 'zoledronate') return a.regimen !== 'oncology';
    return a.agent === 'oral-bisphosphonate';
  });
}

export function withPlannedFollowOn(
  ctx: RuleContext,
  status: Finding | undefined,
  course: DenosumabCourse,
  drafts: readonly DraftOrder[],
): Finding | undefined {
  if (!status || !REPLACED.has(status.id) || !course.last) return status;
  const draft = plannedFollowOnDraft(drafts);
  if (!draft) return status;
  const { today, thresholds: t } = ctx;
  const last = course.last;
  const lastDoseDate = formatDay(last.day);
  const evidence = [
    ...status.evidence,
    evidenceOf(draft.resourceType, `${draft.orderName} (draft order in this session)`, {
      reference: draft.ref,
      day: today,
      matchedByText: draft.agent?.matchedByText ?? false,
    }),
  ];
  const notes = [
    ...(status.notes ?? []),
    `The order being placed (${draft.orderName}) is counted as the planned follow-on therapy; the ${status.id} card it replaces applies again if the order is not signed.`,
  ];
  const extras = { notes, ...(draft.ref ? { draftOrderRef: draft.ref } : {}) };
  if (draft.agent!.agent === 'oral-bisphosphonate') {
    if (isLongCourse(course, t)) {
      return makeFinding(
        'DMAB-ORALBP-AFTER-LONG',
        'warning',
        {
          lastDoseDate,
          plannedOrder: draft.orderName,
          denosumabDoseCount: course.doses.length,
          denosumabYears: round1(wholeMonthsBetween(course.firstDay ?? last.day, last.day) / 12),
          oralBisphosphonate: draft.orderName,
          oralBisphosphonateStart: formatDay(today),
        },
        evidence,
        today,
        extras,
      );
    }
  }
  return makeFinding(
    'DMAB-TRANSITION-MONITOR',
    'info',
    {
      lastDoseDate,
      plannedOrder: draft.orderName,
      therapy: draft.orderName,
      therapyDate: formatDay(today),
      therapyKind:
        draft.agent!.agent === 'oral-bisphosphonate'
          ? 'oral'
          : draft.agent!.agent === 'denosumab'
            ? 'injection'
            : 'infusion',
      ctx3moDate: formatDay(addMonths(today, t.ctxFirstMonths)),
      ctx6moDate: formatDay(addMonths(today, t.ctxSecondMonths)),
    },
    evidence,
    today,
    extras,
  );
}
