import { addDays, addMonths, formatDay } from '../dates.js';
import type { Finding } from '../findings.js';
import type { Regimen } from '../terminology/classify-medication.js';
import { evidenceOf, makeFinding, type RuleContext } from './common.js';
import type { DenosumabCourse } from './denosumab-course.js';
import type { DraftOrder } from './draft-orders.js';

/**
 * Decision 17: a draft of one denosumab regimen (osteoporosis: Prolia or a 60 mg biosimilar; oncology: Xgeva or a
 * 120 mg biosimilar) while the other regimen is active (an active order or statement) or within its dosing interval
 * (osteoporosis: t_last + 6 months + the 28-day grace; oncology: t_last + 4 weeks) → ORDER-DMAB-DUPLICATE
 * (warning). Source: both US labels, "Drug products with same active ingredient".
 */
const REGIMEN_LABEL: Record<Exclude<Regimen, 'unknown'>, string> = {
  osteoporosis: 'osteoporosis regimen (60 mg every 6 months)',
  oncology: 'oncology regimen (120 mg every 4 weeks)',
};

export function duplicateDenosumab(
  ctx: RuleContext,
  draft: DraftOrder,
  course: DenosumabCourse,
): Finding | undefined {
  const agent = draft.agent;
  if (agent?.agent !== 'denosumab' || draft.stopping || agent.regimen === 'unknown') return undefined;
  const other: Exclude<Regimen, 'unknown'> = agent.regimen === 'osteoporosis' ? 'oncology' : 'osteoporosis';
  const { record, today, thresholds: t } = ctx;

  const active = (record.byAgent.get('denosumab') ?? []).find((m) => m.active && m.agent?.regimen === other);
  const lastOther = [...course.doses].reverse().find((d) => d.regimen === other);
  const intervalEnd =
    lastOther &&
    (other === 'osteoporosis'
      ? addDays(addMonths(lastOther.day, t.doseIntervalMonths), t.overdueGraceDays)
      : addDays(lastOther.day, t.oncologyDoseIntervalDays));
  const withinInterval = lastOther !== undefined && intervalEnd !== undefined && today <= intervalEnd;
  if (!active && !withinInterval) return undefined;

  const evidence = [];
  let otherTherapy: string;
  let otherEvidence: string;
  if (withinInterval) {
    otherTherapy = lastOther.evidence.description.replace(
      / (administered|dispensed|billed|statement).*$/,
      '',
    );
    otherEvidence = `last dose on ${formatDay(lastOther.day)}, within its dosing interval`;
    evidence.push(lastOther.evidence);
  } else {
    otherTherapy = active!.display;
    otherEvidence = `${active!.kind === 'request' ? 'active order' : 'active'}${active!.startDay !== undefined ? ` since ${formatDay(active!.startDay)}` : ''}`;
    evidence.push(
      evidenceOf(active!.resourceType, `${active!.display} (${active!.status})`, {
        reference: active!.reference,
        day: active!.startDay,
        matchedByText: active!.agent?.matchedByText ?? false,
      }),
    );
  }
  return makeFinding(
    'ORDER-DMAB-DUPLICATE',
    'warning',
    {
      orderName: draft.orderName,
      orderRegimen: REGIMEN_LABEL[agent.regimen],
      otherTherapy,
      otherRegimen: REGIMEN_LABEL[other],
      otherEvidence,
    },
    evidence,
    today,
    {
      ...(draft.ref ? { draftOrderRef: draft.ref } : {}),
      matchedByTextOnly: agent.matchedByText,
    },
  );
}
