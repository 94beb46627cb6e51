import { formatDay, wholeMonthsBetween, type Day } from '../dates.js';
import type { Finding } from '../findings.js';
import type { ConditionRecord } from '../record/types.js';
import { capForText, evidenceOf, makeFinding, type RuleContext } from './common.js';
import type { DraftOrder } from './draft-orders.js';

const conditionEvidence = (c: ConditionRecord) =>
  evidenceOf('Condition', `${c.display}${c.verification === 'unconfirmed' ? ' — unconfirmed' : ''}`, {
    reference: c.reference,
    day: c.day,
    matchedByText: c.cardiovascular?.matchedByText ?? false,
  });

/**
 * R9 romosozumab boxed warning (openFDA Evenity label): not to be initiated within a year of MI or stroke →
 * ORDER-ROMO-CV (critical) for a confirmed MI/stroke with onset within 365 days (TIA excluded; history-type
 * concepts dated by onset only). Older or undated MI/stroke, unconfirmed events and other cerebrovascular
 * disease (TIA) → ORDER-ROMO-CV-OLD (warning: weigh benefit and risk).
 */
export function romosozumabCardiovascular(ctx: RuleContext, draft: DraftOrder): Finding | undefined {
  if (draft.agent?.agent !== 'romosozumab') return undefined;
  const { record, today, thresholds: t } = ctx;
  const extras = draft.ref ? { draftOrderRef: draft.ref } : {};
  const events = record.cardiovascular.filter((c) => c.day === undefined || c.day <= today);
  const recent = events
    .filter(
      (c) =>
        !c.cardiovascular!.otherCvd &&
        c.verification === 'confirmed' &&
        c.day !== undefined &&
        today - c.day <= t.romosozumabCvDays,
    )
    .sort((a, b) => b.day! - a.day!);
  const coded = recent.find((c) => !c.cardiovascular!.matchedByText);
  const event = coded ?? recent[0];
  if (event) {
    return makeFinding(
      'ORDER-ROMO-CV',
      capForText('critical', !coded),
      {
        orderName: draft.orderName,
        eventType: event.cardiovascular!.event,
        eventDate: formatDay(event.day!),
        monthsSinceEvent: wholeMonthsBetween(event.day!, today),
        alreadyRunning: romosozumabGiven(ctx),
      },
      recent.map(conditionEvidence),
      today,
      { ...extras, matchedByTextOnly: !coded },
    );
  }
  if (events.length === 0) return undefined;
  // Prefer a dated MI/stroke over other cerebrovascular disease for the card text.
  const ranked = [...events].sort(
    (a, b) =>
      Number(a.cardiovascular!.otherCvd) - Number(b.cardiovascular!.otherCvd) ||
      (b.day ?? -Infinity) - (a.day ?? -Infinity),
  );
  const older = ranked[0]!;
  // Decision 21: EU labelling contraindicates romosozumab after a myocardial infarction or stroke at any time (not
  // TIA or other cerebrovascular disease); a confirmed, coded event then makes the card critical.
  const euContraindicated =
    ctx.labelJurisdiction === 'eu' && !older.cardiovascular!.otherCvd && older.verification === 'confirmed';
  const textOnly = events.every((c) => c.cardiovascular!.matchedByText);
  return makeFinding(
    'ORDER-ROMO-CV-OLD',
    euContraindicated ? capForText('critical', older.cardiovascular!.matchedByText) : 'warning',
    {
      orderName: draft.orderName,
      eventType: older.cardiovascular!.event,
      ...(older.day !== undefined
        ? { eventDate: formatDay(older.day), monthsSinceEvent: wholeMonthsBetween(older.day, today) }
        : {}),
      euContraindicated,
    },
    events.map(conditionEvidence),
    today,
    { ...extras, matchedByTextOnly: textOnly },
  );
}

/** Romosozumab already given (a dated administration or statement dose before today): the course is running. */
function romosozumabGiven(ctx: RuleContext): boolean {
  return (ctx.record.byAgent.get('romosozumab') ?? []).some(
    (m) => m.kind !== 'request' && m.doseDay !== undefined && m.doseDay <= ctx.today,
  );
}

/**
 * R9: ≥ 12 prior romosozumab doses → ORDER-ROMO-12 (warning). The US label limits use to 12 monthly doses, so the
 * card counts doses (dose days), not months since the first dose: a course with missed months may continue.
 */
export function romosozumabDoseLimit(ctx: RuleContext, draft: DraftOrder): Finding | undefined {
  if (draft.agent?.agent !== 'romosozumab') return undefined;
  const { record, today, thresholds: t } = ctx;
  const records = (record.byAgent.get('romosozumab') ?? []).filter((m) => m.kind !== 'request');
  const doseDays = new Set<Day>();
  let first: Day | undefined;
  for (const m of records) {
    if (m.doseDay !== undefined && m.doseDay <= today) doseDays.add(m.doseDay);
    const start = m.startDay ?? m.doseDay;
    if (start !== undefined && start <= today && (first === undefined || start < first)) first = start;
  }
  const count = doseDays.size;
  if (count < t.romosozumabMaxDoses) return undefined;
  return makeFinding(
    'ORDER-ROMO-12',
    'warning',
    {
      orderName: draft.orderName,
      priorDoseCount: count,
      ...(first !== undefined ? { firstDoseDate: formatDay(first) } : {}),
    },
    records.map((m) =>
      evidenceOf(m.resourceType, `${m.display} (${m.status || 'no status'})`, {
        reference: m.reference,
        day: m.doseDay ?? m.startDay,
        matchedByText: m.agent?.matchedByText ?? false,
      }),
    ),
    today,
    draft.ref ? { draftOrderRef: draft.ref } : {},
  );
}
