import { z } from 'zod';
import { ConfigError, parseSection, type Env } from './env.js';

/**
 * Clinical thresholds: knowledge.md section 4 defaults, all configurable because a clinician reviewer and a
 * pharmacist must still sign them off. Override any subset with one JSON environment variable, e.g.
 * `CDS_THRESHOLDS='{"overdueGraceDays":21,"recentFractureMonths":12}'`; unknown keys and bad values are rejected
 * at start-up with a ConfigError naming the variable and the key. Every key is documented in docs/clinical-rules.md.
 */
const thresholdsSchema = z.strictObject({
  /** R3: injection interval of the osteoporosis regimen (t_due = t_last + this many calendar months). */
  doseIntervalMonths: z.number().int().min(1).max(24).default(6),
  /** R3/decision 1: on time while now ≤ t_due + this many days; overdue (warning) after. */
  overdueGraceDays: z.number().int().min(0).max(365).default(28),
  /** R3/decision 1: long delay (critical lapse) after t_due + this many days (16 weeks). */
  longDelayDays: z.number().int().min(1).max(730).default(112),
  /** R5/decision 1: after t_last + this many months the lapse becomes DMAB-LONG-GAP (warning); also the R8 window. */
  lapseWindowMonths: z.number().int().min(1).max(120).default(24),
  /** R1d: an unknown-regimen course is evaluated as osteoporosis only when its last inter-dose interval ≥ this. */
  unknownRegimenMinIntervalMonths: z.number().int().min(1).max(24).default(5),
  /** R1c/decision 9: an oncology-regimen course with no dose for this many days counts as stopped (ONC-DMAB-STOP). */
  oncologyStoppedAfterDays: z.number().int().min(28).max(730).default(112),
  /** R1/decision 17: dosing interval of the oncology regimen (120 mg every 4 weeks), for ORDER-DMAB-DUPLICATE. */
  oncologyDoseIntervalDays: z.number().int().min(7).max(365).default(28),
  /** Decision 2: oral bisphosphonate after ≥ this many denosumab doses … */
  oralBisphosphonateLongCourseDoses: z.number().int().min(1).max(40).default(6),
  /** … or a course spanning ≥ this many months (2.5 years) is DMAB-ORALBP-AFTER-LONG. */
  oralBisphosphonateLongCourseMonths: z.number().int().min(1).max(240).default(30),
  /** R6: zoledronate earlier than t_last + this many months gets a timing note. */
  zoledronateEarlyMonths: z.number().int().min(0).max(24).default(5),
  /** Decision 3: CTX checks this many months after the zoledronate infusion (first and second). */
  ctxFirstMonths: z.number().int().min(1).max(24).default(3),
  ctxSecondMonths: z.number().int().min(1).max(24).default(6),
  /** DMAB-TRANSITION-MONITOR is shown for this many months after the follow-on therapy started. */
  transitionMonitorMonths: z.number().int().min(1).max(120).default(24),
  /** Decision 11: a vertebral fracture is recent (VFX-RECENT) within this many months … */
  recentFractureMonths: z.number().int().min(1).max(120).default(12),
  /** … and in the imminent-risk window (VFX-IMMINENT) up to this many months. */
  imminentFractureMonths: z.number().int().min(1).max(240).default(24),
  /** R9: MI/stroke within this many days → ORDER-ROMO-CV (critical). */
  romosozumabCvDays: z.number().int().min(1).max(3650).default(365),
  /** R9: ≥ this many prior romosozumab doses → ORDER-ROMO-12 (US label: limit use to 12 monthly doses). */
  romosozumabMaxDoses: z.number().int().min(1).max(100).default(12),
  /** R10: teriparatide/abaloparatide within this many months of the last denosumab → ORDER-PTH-AFTER-DMAB. */
  pthAfterDenosumabMonths: z.number().int().min(1).max(120).default(24),
  /** R10: cumulative PTH-analogue exposure ≥ this many months → ORDER-PTH-24MO. */
  pthMaxMonths: z.number().int().min(1).max(120).default(24),
  /** R14: zoledronic acid contraindicated below this CrCl (mL/min) or eGFR (mL/min/1.73 m²). */
  zoledronateMinClearance: z.number().min(1).max(200).default(35),
  /** R14: denosumab with eGFR below this → ORDER-DMAB-CKD (warning). */
  denosumabCkdEgfr: z.number().min(1).max(200).default(30),
  /**
   * Decision 20: a zoledronic acid order is offered only with creatinine clearance (or eGFR) and calcium results no
   * older than this many days; otherwise the suggestion orders the missing or stale labs first.
   */
  zoledronateLabsMaxAgeDays: z.number().int().min(1).max(365).default(30),
  /** Decision 20: 25-OH vitamin D below this (ng/mL, or the nmol/L value) is deficient when no reference range says so. */
  vitaminDDeficientNgPerMl: z.number().min(1).max(100).default(20),
  vitaminDDeficientNmolPerL: z.number().min(1).max(250).default(50),
  /** Decision 7: calcium results older than this many days are not used. */
  calciumMaxAgeDays: z.number().int().min(1).max(3650).default(30),
  /** Decision 7: fallback lower limits for total calcium when the result has no reference range or interpretation. */
  calciumLowMgPerDl: z.number().min(1).max(20).default(8.5),
  calciumLowMmolPerL: z.number().min(0.1).max(5).default(2.12),
  /** R14: Ca, creatinine/eGFR and 25-OH vitamin D expected within this many months before an antiresorptive order. */
  labsWindowMonths: z.number().int().min(1).max(60).default(6),
  /** R11: glucocorticoid threshold in mg/day prednisone-equivalent (≥) … */
  glucocorticoidMinPrednisoneMgPerDay: z.number().min(0).max(1000).default(2.5),
  /** … for more than this many days (">3 months" = > 90 days). */
  glucocorticoidMinDays: z.number().int().min(1).max(3650).default(90),
  /** R12: this many distinct immunosuppressive ingredients (or transplant status) → IMMUNOSUPP-DMAB. */
  immunosuppressantMinCount: z.number().int().min(1).max(10).default(2),
  /** R15: dates later than now + this many days are ignored (time-zone tolerance). */
  futureToleranceDays: z.number().int().min(0).max(30).default(1),
});

export type ClinicalThresholds = z.output<typeof thresholdsSchema>;

/** Defaults of knowledge.md section 4 (used by tests and when nothing is configured). */
export const DEFAULT_THRESHOLDS: ClinicalThresholds = thresholdsSchema.parse({});

const envSchema = z.object({
  /** `always`: order hooks also return the patient's status cards; `osteoporosis-orders`: only when an osteoporosis-related order is among the drafts considered. */
  ORDER_HOOK_STATUS_CARDS: z.enum(['always', 'osteoporosis-orders']).optional().default('always'),
  CDS_THRESHOLDS: z.string().optional(),
  /** Decision 21: which product labelling the label-based rules follow (EU: romosozumab after any MI or stroke is contraindicated). */
  LABEL_JURISDICTION: z.enum(['us', 'eu']).optional().default('us'),
});

/** Decision 21: the labelling the label-based rules and card statements follow. */
export type LabelJurisdiction = 'us' | 'eu';

export type OrderHookStatusCards = 'always' | 'osteoporosis-orders';

export interface ClinicalConfig {
  thresholds: ClinicalThresholds;
  orderHookStatusCards: OrderHookStatusCards;
  labelJurisdiction: LabelJurisdiction;
}

function parseThresholds(raw: string | undefined): ClinicalThresholds {
  if (raw === undefined || raw.trim() === '') return DEFAULT_THRESHOLDS;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(
      'Invalid environment variable CDS_THRESHOLDS: not valid JSON (expected an object of threshold overrides)',
    );
  }
  const result = thresholdsSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key =
      issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(object)');
    throw new ConfigError(`Invalid environment variable CDS_THRESHOLDS (key ${key}): ${issue.message}`);
  }
  const t = result.data;
  if (t.longDelayDays <= t.overdueGraceDays) {
    throw new ConfigError(
      'Invalid environment variable CDS_THRESHOLDS (key longDelayDays): must be greater than overdueGraceDays',
    );
  }
  if (t.imminentFractureMonths <= t.recentFractureMonths) {
    throw new ConfigError(
      'Invalid environment variable CDS_THRESHOLDS (key imminentFractureMonths): must be greater than recentFractureMonths',
    );
  }
  return t;
}

/** Clinical configuration (knowledge.md section 4 defaults). */
export function parseClinicalConfig(env: Env): ClinicalConfig {
  const raw = parseSection(envSchema, env);
  return {
    thresholds: parseThresholds(raw.CDS_THRESHOLDS),
    orderHookStatusCards: raw.ORDER_HOOK_STATUS_CARDS,
    labelJurisdiction: raw.LABEL_JURISDICTION,
  };
}
