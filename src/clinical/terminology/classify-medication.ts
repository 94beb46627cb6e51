import type { CodingLike, Terminology } from './valuesets.js';
import * as T from './text-patterns.js';

/** Drug groups the rules reason about. */
export type Agent =
  | 'denosumab'
  | 'zoledronate'
  | 'oral-bisphosphonate'
  | 'pamidronate'
  | 'teriparatide'
  | 'abaloparatide'
  | 'romosozumab'
  | 'raloxifene'
  | 'hormone-therapy';

export type Regimen = 'osteoporosis' | 'oncology' | 'unknown';

export interface MedicationConcept {
  codings: readonly CodingLike[];
  /** Every display and text of the concept (and of a referenced Medication: its strengths), joined. */
  text: string;
  /** Dose per administration in mg when stated (dosage.dose / doseAndRate.doseQuantity). */
  doseMg?: number;
}

export interface AgentMatch {
  agent: Agent;
  regimen: Regimen;
  /** Recognised by free text only (no coded match): lower confidence (decision 5). */
  matchedByText: boolean;
  code?: string;
  /** Display of the matched value-set concept: names a record or draft that carries a bare code only. */
  display?: string;
}

export interface GlucocorticoidMatch {
  ingredient: string;
  /** mg of ingredient per unit (tablet), when known from the code or the text. */
  strengthMg?: number;
  /** mg prednisone per mg of this ingredient (decision 6). */
  prednisoneFactor: number;
  matchedByText: boolean;
}

/** Decision 6: prednisone 5 = prednisolone 5 = methylprednisolone 4 = hydrocortisone 20 = dexamethasone 0.75 = cortisone 25 mg. */
const PREDNISONE_FACTOR: Readonly<Record<string, number>> = {
  prednisone: 1,
  prednisolone: 1,
  methylprednisolone: 5 / 4,
  hydrocortisone: 5 / 20,
  dexamethasone: 5 / 0.75,
  cortisone: 5 / 25,
};

/** One union of every medication text pattern: most chart medications fail this single test and skip the rest. */
const ANY_RELEVANT_TEXT = new RegExp(
  [
    T.DENOSUMAB_TEXT,
    T.ZOLEDRONATE_TEXT,
    T.ROMOSOZUMAB_TEXT,
    T.TERIPARATIDE_TEXT,
    T.ABALOPARATIDE_TEXT,
    T.ORAL_BISPHOSPHONATE_TEXT,
    T.PAMIDRONATE_TEXT,
    T.RALOXIFENE_TEXT,
    T.HORMONE_THERAPY_TEXT,
    ...T.GLUCOCORTICOID_INGREDIENTS.map((g) => g.pattern),
    ...T.IMMUNOSUPPRESSANT_INGREDIENTS.map((g) => g.pattern),
  ]
    .map((r) => `(?:${r.source})`)
    .join('|'),
  'i',
);

export const mayBeRelevantText = (text: string) => text.length > 0 && ANY_RELEVANT_TEXT.test(text);

const TEXT_AGENTS: readonly [Agent, RegExp][] = [
  ['denosumab', T.DENOSUMAB_TEXT],
  ['zoledronate', T.ZOLEDRONATE_TEXT],
  ['romosozumab', T.ROMOSOZUMAB_TEXT],
  ['teriparatide', T.TERIPARATIDE_TEXT],
  ['abaloparatide', T.ABALOPARATIDE_TEXT],
  ['oral-bisphosphonate', T.ORAL_BISPHOSPHONATE_TEXT],
  ['pamidronate', T.PAMIDRONATE_TEXT],
  ['raloxifene', T.RALOXIFENE_TEXT],
  ['hormone-therapy', T.HORMONE_THERAPY_TEXT],
];

/** R1a: denosumab regimen by (in order) the coded list, the dose, the strength in the text, the brand name. */
function denosumabRegimen(coded: Regimen | undefined, med: MedicationConcept): Regimen {
  if (coded && coded !== 'unknown') return coded;
  if (med.doseMg !== undefined) {
    if (Math.abs(med.doseMg - 60) < 0.01) return 'osteoporosis';
    if (Math.abs(med.doseMg - 120) < 0.01) return 'oncology';
  }
  const osteo = T.DENOSUMAB_OSTEOPOROSIS_STRENGTH.test(med.text);
  const onco = T.DENOSUMAB_ONCOLOGY_STRENGTH.test(med.text);
  if (osteo !== onco) return osteo ? 'osteoporosis' : 'oncology';
  if (osteo && onco) return 'unknown';
  const osteoBrand = T.DENOSUMAB_OSTEOPOROSIS_BRANDS.test(med.text);
  const oncoBrand = T.DENOSUMAB_ONCOLOGY_BRANDS.test(med.text);
  if (osteoBrand !== oncoBrand) return osteoBrand ? 'osteoporosis' : 'oncology';
  return 'unknown';
}

function zoledronateRegimen(coded: Regimen | undefined, med: MedicationConcept): Regimen {
  if (coded && coded !== 'unknown') return coded;
  if (med.doseMg !== undefined) {
    if (Math.abs(med.doseMg - 5) < 0.01) return 'osteoporosis';
    if (Math.abs(med.doseMg - 4) < 0.01) return 'oncology';
  }
  const osteo = T.ZOLEDRONATE_OSTEOPOROSIS_STRENGTH.test(med.text);
  const onco = T.ZOLEDRONATE_ONCOLOGY_STRENGTH.test(med.text);
  if (osteo !== onco) return osteo ? 'osteoporosis' : 'oncology';
  return 'unknown';
}

/** The osteoporosis-relevant agent of a medication concept: coded lists first, then the text fallback. */
export function classifyAgent(terminology: Terminology, med: MedicationConcept): AgentMatch | undefined {
  const dmab = terminology.match('denosumab', med.codings);
  if (dmab) {
    return {
      agent: 'denosumab',
      regimen: denosumabRegimen(dmab.concept.props.regimen as Regimen | undefined, med),
      matchedByText: false,
      code: dmab.recordCode,
      ...(dmab.concept.display ? { display: dmab.concept.display } : {}),
    };
  }
  const other = terminology.match('bone-agents', med.codings);
  if (other) {
    const agent = other.concept.props.agent as Agent;
    const regimen =
      agent === 'zoledronate'
        ? zoledronateRegimen(other.concept.props.regimen as Regimen | undefined, med)
        : 'unknown';
    return {
      agent,
      regimen,
      matchedByText: false,
      code: other.recordCode,
      ...(other.concept.display ? { display: other.concept.display } : {}),
    };
  }
  if (!mayBeRelevantText(med.text)) return undefined;
  for (const [agent, pattern] of TEXT_AGENTS) {
    if (!pattern.test(med.text)) continue;
    const regimen =
      agent === 'denosumab'
        ? denosumabRegimen(undefined, med)
        : agent === 'zoledronate'
          ? zoledronateRegimen(undefined, med)
          : 'unknown';
    return { agent, regimen, matchedByText: true };
  }
  return undefined;
}

/**
 * A strength in mg (not mg/mL). The lookbehind lets a number start only where a digit run starts: without it the
 * search restarts inside a run of digits at every position, quadratic in the run's length ("prednisone " + 150,000
 * digits took 8 s, issue 11).
 */
const STRENGTH_MG = /(?<![\d.])(\d+(?:\.\d+)?)\s*mg\b(?!\s*\/\s*m?l)/i;

/** R11: an oral glucocorticoid (VSAC oral-only set, else ingredient text without a non-systemic form). */
export function classifyGlucocorticoid(
  terminology: Terminology,
  med: MedicationConcept,
): GlucocorticoidMatch | undefined {
  const coded = terminology.match('glucocorticoids', med.codings);
  if (coded) {
    const ingredient = coded.concept.props.ingredient ?? 'prednisone';
    const strength = coded.concept.props.strengthMg;
    return {
      ingredient,
      ...(strength !== undefined ? { strengthMg: Number(strength) } : {}),
      prednisoneFactor: PREDNISONE_FACTOR[ingredient] ?? 1,
      matchedByText: false,
    };
  }
  if (!mayBeRelevantText(med.text) || T.NON_SYSTEMIC_FORM.test(med.text)) return undefined;
  const hit = T.GLUCOCORTICOID_INGREDIENTS.find((g) => g.pattern.test(med.text));
  if (!hit) return undefined;
  const strength = STRENGTH_MG.exec(med.text);
  return {
    ingredient: hit.ingredient,
    ...(strength ? { strengthMg: Number(strength[1]) } : {}),
    prednisoneFactor: PREDNISONE_FACTOR[hit.ingredient] ?? 1,
    matchedByText: true,
  };
}

/** R12: immunosuppressive ingredient names in the concept (text; glucocorticoids are added by the caller). */
export function immunosuppressantIngredients(med: MedicationConcept): string[] {
  if (!mayBeRelevantText(med.text)) return [];
  return T.IMMUNOSUPPRESSANT_INGREDIENTS.filter((i) => i.pattern.test(med.text)).map((i) => i.ingredient);
}
