import { formatDay } from '../dates.js';
import type { Finding } from '../findings.js';
import { evidenceOf, makeFinding, type RuleContext } from './common.js';
import { labEvidence } from './denosumab-status.js';
import type { DraftOrder } from './draft-orders.js';
import {
  cockcroftGault,
  egfrUnitLabel,
  isBelow,
  latestEgfr,
  lowCalcium,
  missingRecentLabs,
  resultText,
} from './lab-checks.js';

const draftExtras = (d: DraftOrder) => (d.ref ? { draftOrderRef: d.ref } : {});
const isDenosumabDose = (d: DraftOrder) => d.agent?.agent === 'denosumab' && !d.stopping;
const isZoledronate = (d: DraftOrder) => d.agent?.agent === 'zoledronate' && !d.stopping;

/**
 * R14 zoledronic acid: contraindicated with CrCl < 35 mL/min (label; Medscape quoting FDA labelling) and in
 * hypocalcaemia. CrCl by Cockcroft–Gault when weight, age, sex and creatinine are known; eGFR < 35 alone is a
 * "possible contraindication — calculate CrCl"; critical by either measure. The renal check is skipped for the
 * oncology 4 mg regimen (renally dose-adjusted, a different label); its calcium check stays.
 */
export function zoledronateRenal(ctx: RuleContext, draft: DraftOrder): Finding | undefined {
  if (!isZoledronate(draft)) return undefined;
  const { today, thresholds: t } = ctx;
  const cutoff = t.zoledronateMinClearance;
  const notes: string[] = [];
  const low = lowCalcium(ctx);
  if (draft.agent!.regimen !== 'oncology') {
    const crcl = cockcroftGault(ctx);
    const egfr = latestEgfr(ctx);
    const crclValue = 'value' in crcl ? crcl : undefined;
    if (low)
      notes.push(
        `Calcium ${resultText(low.result)} on ${formatDay(low.result.day)} is also low (below ${low.lowLimit}).`.replace(
          /\s+/g,
          ' ',
        ),
      );
    if (crclValue && crclValue.value < cutoff) {
      return makeFinding(
        'ORDER-ZOL-RENAL',
        'critical',
        {
          orderName: draft.orderName,
          measure: 'CrCl',
          value: crclValue.value,
          unit: 'mL/min',
          resultDate: formatDay(crclValue.creatinine.day),
          crclNote: `Cockcroft–Gault from creatinine ${crclValue.creatinine.value} ${crclValue.creatinine.unit}, weight ${ctx.record.patient.weightKg} kg`,
        },
        [labEvidence(crclValue.creatinine), ...(egfr ? [labEvidence(egfr)] : [])],
        today,
        { ...draftExtras(draft), notes },
      );
    }
    if (egfr && isBelow(egfr, cutoff) === true) {
      const crclNote = crclValue
        ? `Cockcroft–Gault CrCl ${crclValue.value} mL/min; the eGFR is below ${cutoff}`
        : `CrCl could not be calculated (missing ${(crcl as { missing: string[] }).missing.join(', ')}): calculate CrCl before infusing`;
      return makeFinding(
        'ORDER-ZOL-RENAL',
        'critical',
        {
          orderName: draft.orderName,
          measure: 'eGFR',
          value: egfr.value!,
          unit: egfrUnitLabel(egfr.unit),
          resultDate: formatDay(egfr.day),
          crclNote,
        },
        [labEvidence(egfr)],
        today,
        { ...draftExtras(draft), notes },
      );
    }
  }
  if (low) {
    return makeFinding(
      'ORDER-ZOL-RENAL',
      'critical',
      {
        orderName: draft.orderName,
        measure: 'calcium',
        value: low.result.value ?? 0,
        unit: low.result.unit,
        resultDate: formatDay(low.result.day),
      },
      [labEvidence(low.result)],
      today,
      {
        ...draftExtras(draft),
        notes: [`Calcium is below ${low.lowLimit}: correct hypocalcaemia before zoledronic acid.`],
      },
    );
  }
  return undefined;
}

/** R14 / decision 7: denosumab with low calcium → ORDER-DMAB-CA (critical: correct hypocalcaemia first; label). */
export function denosumabCalcium(ctx: RuleContext, draft: DraftOrder): Finding | undefined {
  if (!isDenosumabDose(draft)) return undefined;
  const low = lowCalcium(ctx);
  if (!low) return undefined;
  return makeFinding(
    'ORDER-DMAB-CA',
    'critical',
    {
      orderName: draft.orderName,
      calcium: low.result.value ?? 0,
      unit: low.result.unit,
      resultDate: formatDay(low.result.day),
      ...splitLimit(low.lowLimit),
    },
    [labEvidence(low.result)],
    ctx.today,
    draftExtras(draft),
  );
}

/** "8.6 mg/dL (lab reference range)" → limit "8.6 mg/dL" + source: the summary shows the limit whole, never cut. */
function splitLimit(lowLimit: string): { lowLimit: string; lowLimitSource: string } {
  const paren = /^(.*?)\s*\((.+)\)$/.exec(lowLimit);
  if (paren) return { lowLimit: paren[1]!, lowLimitSource: paren[2]! };
  const interp = /^interpretation\s+(.+)$/.exec(lowLimit);
  if (interp) return { lowLimit: `flag ${interp[1]!}`, lowLimitSource: 'result interpretation' };
  return { lowLimit, lowLimitSource: 'result' };
}

/** R14: denosumab with eGFR < 30 → ORDER-DMAB-CKD (warning; Prolia boxed warning: severe hypocalcaemia, evaluate CKD-MBD). */
export function denosumabCkd(ctx: RuleContext, draft: DraftOrder): Finding | undefined {
  if (!isDenosumabDose(draft)) return undefined;
  const egfr = latestEgfr(ctx);
  if (!egfr || isBelow(egfr, ctx.thresholds.denosumabCkdEgfr) !== true) return undefined;
  return makeFinding(
    'ORDER-DMAB-CKD',
    'warning',
    { orderName: draft.orderName, egfr: egfr.value!, resultDate: formatDay(egfr.day) },
    [labEvidence(egfr)],
    ctx.today,
    draftExtras(draft),
  );
}

/** R14 (design choice): denosumab or zoledronic acid ordered without calcium, creatinine/eGFR or 25-OH D within 6 months → info. */
export function missingLabs(ctx: RuleContext, draft: DraftOrder): Finding | undefined {
  if (!isDenosumabDose(draft) && !isZoledronate(draft)) return undefined;
  const missing = missingRecentLabs(ctx);
  if (missing.length === 0) return undefined;
  return makeFinding(
    'ORDER-LABS',
    'info',
    {
      orderName: draft.orderName,
      missingLabs: missing.join(', '),
      windowMonths: ctx.thresholds.labsWindowMonths,
    },
    [],
    ctx.today,
    draftExtras(draft),
  );
}

/**
 * R12 / decisions 8 and 24: denosumab with ≥ 2 immunosuppressive ingredients in use, or transplant status → info
 * (US Prolia label, serious infections: patients on immunosuppressants may be at higher risk). Never blocks
 * denosumab; an alternative agent is offered only for a new start (`newStart`), never instead of an established course.
 */
export function immunosuppressionWithDenosumab(ctx: RuleContext, draft: DraftOrder): Finding | undefined {
  if (!isDenosumabDose(draft)) return undefined;
  const { record, today, thresholds: t } = ctx;
  const ingredients = new Map<string, string | undefined>();
  const evidence = [];
  for (const m of record.medications) {
    const current = m.active || (m.doseDay !== undefined && m.doseDay <= today && today - m.doseDay <= 90);
    if (!current) continue;
    const names = [...m.immunosuppressants, ...(m.glucocorticoid ? [m.glucocorticoid.ingredient] : [])];
    if (names.length === 0) continue;
    for (const n of names) ingredients.set(n, m.reference);
    evidence.push(
      evidenceOf(m.resourceType, `${m.display} (${m.status || 'no status'})`, {
        reference: m.reference,
        day: m.startDay ?? m.doseDay,
        matchedByText: true,
      }),
    );
  }
  const transplant = record.transplants.find((c) => c.verification === 'confirmed');
  if (!transplant && ingredients.size < t.immunosuppressantMinCount) return undefined;
  // Decision 24: an established course (any denosumab dose on file) is never replaced by the card.
  const newStart = !(record.byAgent.get('denosumab') ?? []).some(
    (m) => m.kind !== 'request' && m.doseDay !== undefined && m.doseDay <= today,
  );
  if (transplant)
    evidence.push(
      evidenceOf('Condition', transplant.display, {
        reference: transplant.reference,
        day: transplant.day,
        matchedByText: transplant.transplant!.matchedByText,
      }),
    );
  return makeFinding(
    'IMMUNOSUPP-DMAB',
    'info',
    {
      orderName: draft.orderName,
      ...(ingredients.size > 0 ? { immunosuppressants: [...ingredients.keys()].join(', ') } : {}),
      ...(transplant ? { transplant: transplant.display } : {}),
      newStart,
    },
    evidence,
    today,
    draftExtras(draft),
  );
}
