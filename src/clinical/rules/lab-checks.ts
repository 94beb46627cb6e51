import { addMonths, ageInYears, formatDay } from '../dates.js';
import type { LabResult } from '../record/types.js';
import { round1, type RuleContext } from './common.js';
import { valueText } from '../record/lab-values.js';

/**
 * R13/R14 laboratory checks before dosing denosumab or zoledronic acid, shared by the order rules. Every check
 * reads the same results: those with a usable value (the record drops results with neither a number nor an
 * interpretation flag, issue #16 item 4), and a value with a comparator ("<15") only where it decides the
 * question (isBelow / isAbove).
 */

/**
 * Decision 19: albumin-corrected calcium first, so that on the same day the corrected value decides over the
 * total; then total, then ionized (the order the newest-result tie is broken in).
 */
const CALCIUM_ANALYTES = ['calcium-corrected', 'calcium-total', 'calcium-ionized'] as const;

/** Whether a result is below `limit`: undefined when its comparator leaves it open ("<60" against 30). */
export function isBelow(r: LabResult, limit: number): boolean | undefined {
  if (r.value === undefined) return undefined;
  switch (r.comparator) {
    case undefined:
      return r.value < limit;
    case '<':
      return r.value <= limit ? true : undefined;
    case '<=':
      return r.value < limit ? true : undefined;
    case '>':
    case '>=':
      return r.value >= limit ? false : undefined;
  }
}

/** Whether a result is above `limit`: undefined when its comparator leaves it open. */
export function isAbove(r: LabResult, limit: number): boolean | undefined {
  if (r.value === undefined) return undefined;
  switch (r.comparator) {
    case undefined:
      return r.value > limit;
    case '>':
      return r.value >= limit ? true : undefined;
    case '>=':
      return r.value > limit ? true : undefined;
    case '<':
    case '<=':
      return r.value <= limit ? false : undefined;
  }
}

/** A result as a card writes it: "<15 mL/min", "7.9 mg/dL". */
export const resultText = (r: LabResult) => `${valueText(r)} ${r.unit}`.replace(/\s+/g, ' ').trim();

export interface LowCalcium {
  result: LabResult;
  /** How "low" was decided, for the card: "8.6 mg/dL (lab reference range)", "interpretation L", "8.5 mg/dL (default)". */
  lowLimit: string;
}

/** The newest of the results; on the same day the first in the given order (stable sort). */
function newest(results: (LabResult | undefined)[]): LabResult | undefined {
  return results.filter((r): r is LabResult => !!r).sort((a, b) => b.day - a.day)[0];
}

/** mg/dL or mmol/L for a total-calcium result; an absent unit is inferred from the magnitude. */
function calciumUnit(r: LabResult): 'mg/dL' | 'mmol/L' | undefined {
  const u = r.unit.toLowerCase().replace(/\s/g, '');
  if (u === 'mg/dl') return 'mg/dL';
  if (u === 'mmol/l') return 'mmol/L';
  if (u === '' && r.value !== undefined) return r.value < 5 ? 'mmol/L' : 'mg/dL';
  return undefined;
}

/**
 * Decision 7: the newest calcium result not older than calciumMaxAgeDays is low when below referenceRange.low
 * (when given), else when interpreted L/LL, else (total or albumin-corrected calcium, decision 19) below
 * 8.5 mg/dL or 2.12 mmol/L. A comparator that leaves the question open ("<9.0" against 8.6) is not low.
 */
export function lowCalcium(ctx: RuleContext): LowCalcium | undefined {
  const { record, today, thresholds: t } = ctx;
  const result = newest(CALCIUM_ANALYTES.map((a) => record.labs.get(a)?.[0]));
  if (!result || today - result.day > t.calciumMaxAgeDays || result.value === undefined) {
    if (
      result &&
      result.value === undefined &&
      today - result.day <= t.calciumMaxAgeDays &&
      result.interpretation.some((i) => i === 'L' || i === 'LL')
    ) {
      return { result, lowLimit: `interpretation ${result.interpretation.join('/')}` };
    }
    return undefined;
  }
  if (result.referenceLow !== undefined) {
    return isBelow(result, result.referenceLow) === true
      ? {
          result,
          lowLimit: `${result.referenceLow} ${result.unit} (lab reference range)`.replace(/\s+/g, ' '),
        }
      : undefined;
  }
  const interp = result.interpretation.find((i) => i === 'L' || i === 'LL');
  if (interp) return { result, lowLimit: `interpretation ${interp}` };
  if (
    result.interpretation.length > 0 ||
    (result.analyte !== 'calcium-total' && result.analyte !== 'calcium-corrected')
  )
    return undefined;
  const unit = calciumUnit(result);
  if (unit === 'mg/dL' && isBelow(result, t.calciumLowMgPerDl) === true)
    return { result, lowLimit: `${t.calciumLowMgPerDl} mg/dL (default lower limit)` };
  if (unit === 'mmol/L' && isBelow(result, t.calciumLowMmolPerL) === true)
    return { result, lowLimit: `${t.calciumLowMmolPerL} mmol/L (default lower limit)` };
  return undefined;
}

/** eGFR unit for a card: the UCUM form `mL/min/{1.73_m2}` (or none) is shown as clinicians write it. */
export const egfrUnitLabel = (unit: string) => (unit === '' || /1\.73/.test(unit) ? 'mL/min/1.73 m²' : unit);

export const latestEgfr = (ctx: RuleContext) =>
  ctx.record.labs.get('egfr')?.find((r) => r.value !== undefined);

export interface CreatinineClearance {
  value: number;
  creatinine: LabResult;
}

/** Serum creatinine in mg/dL (µmol/L ÷ 88.4; an absent unit is inferred from the magnitude). */
function creatinineMgPerDl(r: LabResult): number | undefined {
  // A bound ("<0.5") gives no Cockcroft–Gault value.
  if (r.value === undefined || r.comparator !== undefined) return undefined;
  const u = r.unit.toLowerCase().replace(/\s/g, '');
  if (u === 'mg/dl') return r.value;
  if (u === 'umol/l' || u === 'µmol/l' || u === 'μmol/l') return r.value / 88.4;
  if (u === '') return r.value > 20 ? r.value / 88.4 : r.value;
  return undefined;
}

/**
 * R14: creatinine clearance by Cockcroft–Gault, ((140 − age) × weight kg) / (72 × serum creatinine mg/dL)
 * × 0.85 for women — only when weight, age, sex and a creatinine result are all known.
 */
export function cockcroftGault(ctx: RuleContext): CreatinineClearance | { missing: string[] } {
  const { patient } = ctx.record;
  const creatinine = ctx.record.labs.get('creatinine')?.find((r) => creatinineMgPerDl(r) !== undefined);
  const missing: string[] = [];
  if (patient.weightKg === undefined) missing.push('weight');
  if (patient.birthDay === undefined) missing.push('age');
  if (patient.sex !== 'female' && patient.sex !== 'male') missing.push('sex');
  if (!creatinine) missing.push('creatinine');
  if (missing.length > 0) return { missing };
  const scr = creatinineMgPerDl(creatinine!)!;
  if (scr <= 0) return { missing: ['creatinine'] };
  const age = ageInYears(patient.birthDay!, ctx.today);
  const crcl = (((140 - age) * patient.weightKg!) / (72 * scr)) * (patient.sex === 'female' ? 0.85 : 1);
  return { value: round1(crcl), creatinine: creatinine! };
}

/** R14: which of calcium, creatinine/eGFR and 25-OH vitamin D have no result within labsWindowMonths. */
export function missingRecentLabs(ctx: RuleContext): string[] {
  const since = addMonths(ctx.today, -ctx.thresholds.labsWindowMonths);
  const recent = (analytes: string[]) =>
    analytes.some((a) => (ctx.record.labs.get(a) ?? []).some((r) => r.day >= since));
  const missing: string[] = [];
  if (!recent(['calcium-total', 'calcium-ionized', 'calcium-corrected'])) missing.push('calcium');
  if (!recent(['creatinine', 'egfr'])) missing.push('creatinine/eGFR');
  if (!recent(['vitamin-d'])) missing.push('25-OH vitamin D');
  return missing;
}

/** R14 notes for an overdue denosumab patient about to be re-dosed. */
export function redosingSafetyNotes(ctx: RuleContext): string[] {
  const notes: string[] = [];
  const low = lowCalcium(ctx);
  if (low) {
    notes.push(
      `Calcium ${resultText(low.result)} on ${formatDay(low.result.day)} is low (below ${low.lowLimit}): correct hypocalcaemia before the next denosumab dose.`.replace(
        /\s+/g,
        ' ',
      ),
    );
  }
  const egfr = latestEgfr(ctx);
  if (egfr && isBelow(egfr, ctx.thresholds.denosumabCkdEgfr) === true) {
    notes.push(
      `eGFR ${valueText(egfr)} on ${formatDay(egfr.day)} is below ${ctx.thresholds.denosumabCkdEgfr}: higher risk of severe hypocalcaemia with denosumab; evaluate for CKD-MBD.`,
    );
  }
  return notes;
}

/**
 * R14 contraindications on file, for every card of the response: a suggestion to give denosumab or zoledronic acid
 * must not contradict them (low calcium: neither until corrected; CrCl/eGFR < 35: no zoledronic acid; eGFR < 30:
 * denosumab only after CKD-MBD evaluation). Same reading as the order rules (ORDER-DMAB-CA, ORDER-ZOL-RENAL,
 * ORDER-DMAB-CKD): calcium ≤ calciumMaxAgeDays old, latest creatinine/eGFR.
 */
export function suggestionSafetyFacts(ctx: RuleContext): {
  safetyCalciumLow?: string;
  safetyZoledronateRenal?: string;
  safetyDenosumabCkd?: string;
} {
  const out: { safetyCalciumLow?: string; safetyZoledronateRenal?: string; safetyDenosumabCkd?: string } = {};
  const low = lowCalcium(ctx);
  if (low) {
    out.safetyCalciumLow =
      `calcium ${resultText(low.result)} on ${formatDay(low.result.day)} is low (below ${low.lowLimit})`.replace(
        /\s+/g,
        ' ',
      );
  }
  const cutoff = ctx.thresholds.zoledronateMinClearance;
  const crcl = cockcroftGault(ctx);
  const egfr = latestEgfr(ctx);
  if ('value' in crcl && crcl.value < cutoff) {
    out.safetyZoledronateRenal = `creatinine clearance ${crcl.value} mL/min (Cockcroft–Gault, creatinine of ${formatDay(crcl.creatinine.day)}) is below ${cutoff} mL/min`;
  } else if (egfr && isBelow(egfr, cutoff) === true) {
    out.safetyZoledronateRenal = `eGFR ${valueText(egfr)} ${egfrUnitLabel(egfr.unit)} on ${formatDay(egfr.day)} is below ${cutoff}`;
  }
  if (egfr && isBelow(egfr, ctx.thresholds.denosumabCkdEgfr) === true) {
    out.safetyDenosumabCkd = `eGFR ${valueText(egfr)} ${egfrUnitLabel(egfr.unit)} on ${formatDay(egfr.day)} is below ${ctx.thresholds.denosumabCkdEgfr}`;
  }
  return out;
}

const isRecent = (ctx: RuleContext, r: LabResult | undefined, maxAgeDays: number): r is LabResult =>
  r !== undefined && r.day <= ctx.today && ctx.today - r.day <= maxAgeDays;

/** Decision 20: a 25-OH vitamin D result below its reference range, interpreted low, or below the default limit. */
function vitaminDDeficient(ctx: RuleContext, r: LabResult): string | undefined {
  const t = ctx.thresholds;
  const interp = r.interpretation.find((i) => i === 'L' || i === 'LL');
  const describe = (limit: string) =>
    `25-OH vitamin D ${r.value ?? ''} ${r.unit} on ${formatDay(r.day)} is deficient (${limit})`.replace(
      /\s+/g,
      ' ',
    );
  if (r.value !== undefined && r.referenceLow !== undefined)
    return r.value < r.referenceLow ? describe(`below ${r.referenceLow} ${r.unit}`) : undefined;
  if (interp) return describe(`interpretation ${interp}`);
  if (r.value === undefined || r.interpretation.length > 0) return undefined;
  const u = r.unit.toLowerCase().replace(/\s/g, '');
  if (u === 'ng/ml' && r.value < t.vitaminDDeficientNgPerMl)
    return describe(`below ${t.vitaminDDeficientNgPerMl} ng/mL`);
  if (u === 'nmol/l' && r.value < t.vitaminDDeficientNmolPerL)
    return describe(`below ${t.vitaminDDeficientNmolPerL} nmol/L`);
  return undefined;
}

/**
 * Decision 20: zoledronic acid is offered only on current labs — creatinine clearance (Cockcroft–Gault from a
 * creatinine when weight, age and sex allow, else eGFR) and calcium, both no older than zoledronateLabsMaxAgeDays,
 * and 25-OH vitamin D not deficient when a result from the labs window is on file. Returns what is missing (for the
 * suggestion label) and the lab orders that fill the gap; low values themselves are the R14 contraindications of
 * suggestionSafetyFacts.
 */
export function zoledronateLabFacts(ctx: RuleContext): {
  zoledronateLabsFirst?: string;
  zoledronateLabOrders?: string;
  zoledronateVitaminDLow?: string;
} {
  const days = ctx.thresholds.zoledronateLabsMaxAgeDays;
  const missing: string[] = [];
  const orders: string[] = [];
  const creatinine = ctx.record.labs.get('creatinine')?.find((r) => creatinineMgPerDl(r) !== undefined);
  if (!isRecent(ctx, creatinine, days) && !isRecent(ctx, latestEgfr(ctx), days)) {
    missing.push(`no creatinine or eGFR in the last ${days} days`);
    orders.push('lab-creatinine');
  }
  const calcium = newest(CALCIUM_ANALYTES.map((a) => ctx.record.labs.get(a)?.[0]));
  if (!isRecent(ctx, calcium, days)) {
    missing.push(`no calcium in the last ${days} days`);
    orders.push('lab-calcium');
  }
  const out: ReturnType<typeof zoledronateLabFacts> = {};
  if (missing.length > 0) {
    out.zoledronateLabsFirst = missing.join(', ');
    out.zoledronateLabOrders = orders.join(',');
  }
  const since = addMonths(ctx.today, -ctx.thresholds.labsWindowMonths);
  const vitaminD = ctx.record.labs.get('vitamin-d')?.find((r) => r.day >= since && r.day <= ctx.today);
  const deficient = vitaminD ? vitaminDDeficient(ctx, vitaminD) : undefined;
  if (deficient) out.zoledronateVitaminDLow = deficient;
  return out;
}
