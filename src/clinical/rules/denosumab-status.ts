import type { Indicator } from '../../protocol/types.js';
import { addDays, addMonths, formatDay, wholeMonthsBetween, type Day } from '../dates.js';
import type { Evidence, Finding } from '../findings.js';
import type { LabResult } from '../record/types.js';
import { valueText } from '../record/lab-values.js';
import { isAbove } from './lab-checks.js';
import { capForText, evidenceOf, makeFinding, round1, type RuleContext } from './common.js';
import { isLongCourse, type DenosumabCourse, type DoseEvent } from './denosumab-course.js';
import type { FractureEpisode } from './fracture-episodes.js';
import {
  activeOralBisphosphonateAfter,
  dosesBetween,
  nonMitigatingTherapies,
  type DatedRecord,
} from './therapy.js';

/**
 * The one denosumab-status finding of a patient (decision 15): DMAB-OVERDUE / LAPSE / LONG-GAP / PLANNED-STOP /
 * TRANSITION-MONITOR / ORALBP-AFTER-LONG / DATA or ONC-DMAB-STOP, or none while the course is on time.
 * Rules R1–R6 with decisions 1–5 and 9 (knowledge.md); sources: Lyu 2020 (grace and long delay), Cummings 2018
 * (rebound time course, prior VFx odds 3.9), ECTS 2021 (follow-on zoledronate ~6 months, CTX at 3 and 6 months),
 * Endocrine Society 2019 (no delay or stop without follow-on therapy).
 */
export function denosumabStatus(
  ctx: RuleContext,
  course: DenosumabCourse,
  episodes: FractureEpisode[],
  /** R14 notes for an overdue patient about to be re-dosed (low calcium, eGFR < 30). */
  safetyNotes: string[] = [],
): Finding | undefined {
  const { record, today } = ctx;
  const last = course.last;
  // R2: denosumab documented but no dated administration evidence → verify, never compute overdue.
  if (!last) return undatedStatus(ctx, course);
  // R1c / decision 9: oncology regimen never gets the 6-month rules; a stopped course gets an info card.
  if (last.regimen === 'oncology') return oncologyStatus(ctx, course, last);
  // R1d: regimen could not be determined → at most an info card.
  if (last.regimen === 'unknown') return unknownRegimenStatus(ctx, last);
  // R6 mitigation: zoledronate given after t_last, or an active oral bisphosphonate started after t_last.
  const zoledronate = dosesBetween(record, 'zoledronate', last.day, today);
  if (zoledronate.length > 0) return afterZoledronate(ctx, last, zoledronate);
  const oralBp = activeOralBisphosphonateAfter(record, last.day);
  if (oralBp) return afterOralBisphosphonate(ctx, course, last, oralBp);
  return withoutFollowOn(ctx, course, last, episodes, safetyNotes);
}

/** R2: denosumab on file without a dated dose (undated records, orders only, or only future dates). */
function undatedStatus(ctx: RuleContext, course: DenosumabCourse): Finding | undefined {
  const { today } = ctx;
  // R1c: oncology-regimen (Xgeva-type) records never enter the Prolia schedule, so an undated or order-only
  // oncology record is not a "verify the last injection" problem either (§3 #13: no card).
  const undated = course.undated.filter((m) => m.agent?.regimen !== 'oncology');
  const orders = course.orders.filter((m) => m.agent?.regimen !== 'oncology');
  const allText = [...undated, ...orders].every((m) => m.agent?.matchedByText);
  const extras = { matchedByTextOnly: allText };
  if (undated.length > 0) {
    const dates = undated.map((m) => m.assertedDay ?? m.startDay).filter((d): d is Day => d !== undefined);
    const documented = dates.length > 0 ? Math.max(...dates) : undefined;
    return makeFinding(
      'DMAB-DATA',
      'info',
      {
        reason: 'no-dose-date',
        ...(documented !== undefined
          ? { documentedDate: formatDay(documented), assertedOn: formatDay(documented) }
          : {}),
      },
      undated.map((m) =>
        evidenceOf(m.resourceType, `${m.display} (${m.status || 'no status'}), no injection date`, {
          reference: m.reference,
          day: m.assertedDay ?? m.startDay,
          matchedByText: m.agent?.matchedByText ?? false,
        }),
      ),
      today,
      extras,
    );
  }
  if (course.futureOnly) {
    return makeFinding('DMAB-DATA', 'info', { reason: 'future-date' }, [], today, {
      ...extras,
      notes: [
        'Every denosumab record found is dated in the future; it was not used to compute the last injection.',
      ],
    });
  }
  if (orders.length > 0) {
    const dates = orders.map((m) => m.assertedDay).filter((d): d is Day => d !== undefined);
    const documented = dates.length > 0 ? Math.max(...dates) : undefined;
    return makeFinding(
      'DMAB-DATA',
      'info',
      {
        reason: 'order-only',
        ...(documented !== undefined
          ? { documentedDate: formatDay(documented), orderedOn: formatDay(documented) }
          : {}),
      },
      orders.map((m) =>
        evidenceOf(
          m.resourceType,
          `${m.display} ordered (${m.status || 'no status'}); administration not documented`,
          { reference: m.reference, day: m.assertedDay, matchedByText: m.agent?.matchedByText ?? false },
        ),
      ),
      today,
      extras,
    );
  }
  return undefined;
}

/** R1c / decision 9: the oncology regimen (Xgeva-type): only a stopped course gives an info card. */
function oncologyStatus(ctx: RuleContext, course: DenosumabCourse, last: DoseEvent): Finding | undefined {
  const { today, thresholds: t } = ctx;
  const lastDoseDate = formatDay(last.day);
  const monthsSinceLastDose = wholeMonthsBetween(last.day, today);
  const lapseEnd = addMonths(last.day, t.lapseWindowMonths);
  const stopped = course.stop !== undefined || today > addDays(last.day, t.oncologyStoppedAfterDays);
  if (!stopped || today > lapseEnd) return undefined;
  return makeFinding('ONC-DMAB-STOP', 'info', { lastDoseDate, monthsSinceLastDose }, [last.evidence], today, {
    matchedByTextOnly: last.matchedByText,
  });
}

/** R1d: the regimen of the last dose could not be determined. */
function unknownRegimenStatus(ctx: RuleContext, last: DoseEvent): Finding {
  const { today, thresholds: t } = ctx;
  const lastDoseDate = formatDay(last.day);
  // Info only (R1d), but the card states when the dose would be due on the 6-monthly schedule: an unknown regimen
  // must not read as "nothing to do".
  const dueIfOsteoporosis = formatDay(addMonths(last.day, t.doseIntervalMonths));
  return makeFinding(
    'DMAB-DATA',
    'info',
    { reason: 'regimen-unknown', documentedDate: lastDoseDate, dueIfOsteoporosis },
    [last.evidence],
    today,
    {
      matchedByTextOnly: last.matchedByText,
    },
  );
}

/** R6: zoledronic acid given after the last denosumab dose: transition monitoring (ECTS 2021: CTX at 3 and 6 months). */
function afterZoledronate(
  ctx: RuleContext,
  last: DoseEvent,
  zoledronate: DatedRecord[],
): Finding | undefined {
  const { record, today, thresholds: t } = ctx;
  const lastDoseDate = formatDay(last.day);
  const tDue = addMonths(last.day, t.doseIntervalMonths);
  const evidence: Evidence[] = [last.evidence];
  const first = zoledronate[0]!;
  const latest = zoledronate[zoledronate.length - 1]!;
  if (today > addMonths(latest.day, t.transitionMonitorMonths)) return undefined;
  const notes: string[] = [];
  let timingNote: string | undefined;
  if (first.day < addMonths(last.day, t.zoledronateEarlyMonths)) {
    timingNote = `Zoledronic acid was given less than ${t.zoledronateEarlyMonths} months after the last denosumab injection; timing differs from the 6-month recommendation — monitor CTX/BMD closely.`;
  } else if (first.day > addDays(tDue, t.longDelayDays)) {
    timingNote = `Zoledronic acid was given more than ${Math.round(t.longDelayDays / 7)} weeks after denosumab was due; timing differs from the 6-month recommendation — monitor CTX/BMD closely.`;
  }
  const ctx3 = addMonths(latest.day, t.ctxFirstMonths);
  const ctx6 = addMonths(latest.day, t.ctxSecondMonths);
  const ctxResults = (record.labs.get('ctx') ?? []).filter((r) => r.day > latest.day);
  const ctxLatest = ctxResults[0];
  const elevated = ctxLatest ? isHigh(ctxLatest) : undefined;
  if (elevated) notes.push('CTX is elevated after zoledronic acid: consider a repeat infusion (ECTS 2021).');
  for (const z of zoledronate)
    evidence.push(
      evidenceOf(z.record.resourceType, `${z.record.display} administered`, {
        reference: z.record.reference,
        day: z.day,
        matchedByText: z.record.agent?.matchedByText ?? false,
      }),
    );
  if (ctxLatest) evidence.push(labEvidence(ctxLatest));
  return makeFinding(
    'DMAB-TRANSITION-MONITOR',
    'info',
    {
      lastDoseDate,
      therapy: latest.record.display,
      therapyDate: formatDay(latest.day),
      ctx3moDate: formatDay(ctx3),
      ctx6moDate: formatDay(ctx6),
      ...(ctxLatest
        ? {
            ctxOnFile:
              `${valueText(ctxLatest) || '?'} ${ctxLatest.unit} on ${formatDay(ctxLatest.day)}`.replace(
                /\s+/g,
                ' ',
              ),
          }
        : {}),
      ...(timingNote ? { timingNote } : {}),
      ...(elevated !== undefined ? { ctxElevated: elevated } : {}),
      therapyKind: 'infusion',
    },
    evidence,
    today,
    { notes },
  );
}

/** R6: an oral bisphosphonate started after the last dose: monitoring, or decision 2 after a long course. */
function afterOralBisphosphonate(
  ctx: RuleContext,
  course: DenosumabCourse,
  last: DoseEvent,
  oralBp: DatedRecord,
): Finding | undefined {
  const { today, thresholds: t } = ctx;
  const lastDoseDate = formatDay(last.day);
  const evidence: Evidence[] = [last.evidence];
  const textOnly = last.matchedByText;
  evidence.push(
    evidenceOf(oralBp.record.resourceType, `${oralBp.record.display} active since ${formatDay(oralBp.day)}`, {
      reference: oralBp.record.reference,
      day: oralBp.day,
      matchedByText: oralBp.record.agent?.matchedByText ?? false,
    }),
  );
  if (isLongCourse(course, t)) {
    // Decision 2 (ECTS 2021: partial efficacy of follow-on therapy depends on denosumab duration).
    return makeFinding(
      'DMAB-ORALBP-AFTER-LONG',
      capForText('warning', textOnly),
      {
        lastDoseDate,
        denosumabDoseCount: course.doses.length,
        denosumabYears: round1(wholeMonthsBetween(course.firstDay ?? last.day, last.day) / 12),
        oralBisphosphonate: oralBp.record.display,
        oralBisphosphonateStart: formatDay(oralBp.day),
        // Decision 20: the zoledronic acid suggestion stops this order (a statement is not an order to stop).
        ...(oralBp.record.kind === 'request' && oralBp.record.reference
          ? { oralBisphosphonateRef: oralBp.record.reference }
          : {}),
      },
      evidence,
      today,
      { matchedByTextOnly: textOnly },
    );
  }
  if (today > addMonths(oralBp.day, t.transitionMonitorMonths)) return undefined;
  return makeFinding(
    'DMAB-TRANSITION-MONITOR',
    'info',
    {
      lastDoseDate,
      therapy: oralBp.record.display,
      therapyDate: formatDay(oralBp.day),
      ctx3moDate: formatDay(addMonths(oralBp.day, t.ctxFirstMonths)),
      ctx6moDate: formatDay(addMonths(oralBp.day, t.ctxSecondMonths)),
      therapyKind: 'oral',
    },
    evidence,
    today,
  );
}

/** R3–R5 without follow-on therapy: overdue, lapse, long gap (decision 1: a prior VFx escalates), or planned stop (R4). */
function withoutFollowOn(
  ctx: RuleContext,
  course: DenosumabCourse,
  last: DoseEvent,
  episodes: FractureEpisode[],
  safetyNotes: string[],
): Finding | undefined {
  const { record, today, thresholds: t } = ctx;
  const lastDoseDate = formatDay(last.day);
  const monthsSinceLastDose = wholeMonthsBetween(last.day, today);
  const lapseEnd = addMonths(last.day, t.lapseWindowMonths);
  const tDue = addMonths(last.day, t.doseIntervalMonths);
  const dueDate = formatDay(tDue);
  const evidence: Evidence[] = [last.evidence];
  const textOnly = last.matchedByText;

  // No mitigation: decision 4 names raloxifene / hormone therapy (and other non-mitigating agents) on the card.
  const notes: string[] = [];
  const nonMitigating = nonMitigatingTherapies(record, last.day, today);
  const nonMitigatingTherapy = nonMitigating.names.length > 0 ? nonMitigating.names.join(', ') : undefined;
  if (nonMitigatingTherapy) {
    notes.push(
      `${nonMitigatingTherapy} found: not considered follow-on therapy that prevents the rebound after denosumab.`,
    );
  }
  const laterOrders = course.orders.filter((o) => o.assertedDay !== undefined && o.assertedDay > last.day);
  for (const o of laterOrders) {
    notes.push(`Denosumab ordered on ${formatDay(o.assertedDay!)}; administration not documented.`);
    evidence.push(
      evidenceOf(o.resourceType, `${o.display} ordered (${o.status || 'no status'})`, {
        reference: o.reference,
        day: o.assertedDay,
        matchedByText: o.agent?.matchedByText ?? false,
      }),
    );
  }

  // Decision 1: a prior vertebral fracture escalates an overdue state to critical (Cummings 2018, ECTS 2021).
  const priorFractures = episodes.filter(
    (e) => e.kind === 'vertebral' && !e.unconfirmed && (e.day === undefined || e.day <= today),
  );
  const codedPrior = priorFractures.filter((e) => !e.matchedByText);
  const textPrior = priorFractures.filter((e) => e.matchedByText);
  const priorDates = codedPrior.map((e) => e.day).filter((d): d is Day => d !== undefined);
  const priorFractureDate = priorDates.length > 0 ? formatDay(Math.max(...priorDates)) : undefined;
  if (codedPrior.length === 0 && textPrior.length > 0) {
    notes.push(
      'A possible prior vertebral fracture was recognised by text only; verify its coding (it would raise the risk of multiple fractures).',
    );
  }
  const daysOverdue = today - tDue;
  const overdue = today > addDays(tDue, t.overdueGraceDays);
  const longDelay = today > addDays(tDue, t.longDelayDays);
  const extras = { matchedByTextOnly: textOnly, notes };
  const escalate = (base: Indicator): Indicator => (codedPrior.length > 0 ? 'critical' : base);

  if (overdue) {
    for (const e of codedPrior) evidence.push(...e.evidence);
    notes.push(...safetyNotes);
  }
  if (today > lapseEnd) {
    return makeFinding(
      'DMAB-LONG-GAP',
      capForText(escalate('warning'), textOnly),
      {
        lastDoseDate,
        monthsSinceLastDose,
        ...(codedPrior.length > 0
          ? { escalatedForPriorFracture: true, ...(priorFractureDate ? { priorFractureDate } : {}) }
          : {}),
      },
      evidence,
      today,
      extras,
    );
  }
  if (longDelay || (overdue && codedPrior.length > 0)) {
    return makeFinding(
      'DMAB-LAPSE',
      capForText('critical', textOnly),
      {
        lastDoseDate,
        monthsSinceLastDose,
        dueDate,
        daysOverdue,
        ...(!longDelay
          ? { escalatedForPriorFracture: true, ...(priorFractureDate ? { priorFractureDate } : {}) }
          : {}),
        ...(nonMitigatingTherapy ? { nonMitigatingTherapy } : {}),
      },
      evidence,
      today,
      extras,
    );
  }
  if (overdue) {
    return makeFinding(
      'DMAB-OVERDUE',
      capForText('warning', textOnly),
      {
        lastDoseDate,
        monthsSinceLastDose,
        dueDate,
        daysOverdue,
        ...(nonMitigatingTherapy ? { nonMitigatingTherapy } : {}),
      },
      evidence,
      today,
      extras,
    );
  }
  // R4: explicit stop while still within the dosing interval → plan the follow-on therapy (ECTS 2021).
  if (course.stop) {
    const stop = course.stop;
    evidence.push(
      evidenceOf(stop.record.resourceType, `${stop.record.display} ${stop.record.status || 'stopped'}`, {
        reference: stop.record.reference,
        day: stop.day,
        matchedByText: stop.record.agent?.matchedByText ?? false,
      }),
    );
    return makeFinding(
      'DMAB-PLANNED-STOP',
      capForText('warning', textOnly),
      {
        lastDoseDate,
        ...(stop.day !== undefined ? { stopDate: formatDay(stop.day) } : {}),
        followOnDueDate: dueDate,
      },
      evidence,
      today,
      extras,
    );
  }
  return undefined;
}

function isHigh(result: LabResult): boolean {
  if (result.interpretation.some((i) => i === 'H' || i === 'HH' || i === 'HU')) return true;
  return result.referenceHigh !== undefined && isAbove(result, result.referenceHigh) === true;
}

export const labEvidence = (r: LabResult) =>
  evidenceOf('Observation', `${r.display} ${valueText(r)} ${r.unit}`.replace(/\s+/g, ' ').trim(), {
    reference: r.reference,
    day: r.day,
  });
