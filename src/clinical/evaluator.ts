import type { FhirResource, HookName } from '../protocol/types.js';
import {
  DEFAULT_THRESHOLDS,
  type ClinicalConfig,
  type ClinicalThresholds,
  type LabelJurisdiction,
  type OrderHookStatusCards,
} from '../config/clinical.js';
import { formatDay } from './dates.js';
import type { Finding } from './findings.js';
import { oneCardPerProblem } from './one-card-per-problem.js';
import { buildPatientRecord } from './record/build-record.js';
import { createMedicationClassifier } from './record/medications.js';
import type { MedicationRecord } from './record/types.js';
import type { RuleContext } from './rules/common.js';
import { denosumabCourse, type DenosumabCourse } from './rules/denosumab-course.js';
import { denosumabStatus } from './rules/denosumab-status.js';
import {
  draftsInScope,
  isOsteoporosisOrder,
  readDraftOrders,
  type DraftOrder,
} from './rules/draft-orders.js';
import { fractureEpisodes } from './rules/fracture-episodes.js';
import { glucocorticoidExposure } from './rules/glucocorticoids.js';
import { redosingSafetyNotes, suggestionSafetyFacts, zoledronateLabFacts } from './rules/lab-checks.js';
import { augmentationInRebound } from './rules/order-augmentation.js';
import {
  denosumabCalcium,
  denosumabCkd,
  immunosuppressionWithDenosumab,
  missingLabs,
  zoledronateRenal,
} from './rules/order-antiresorptive.js';
import { pthAfterDenosumab, pthCumulative } from './rules/order-pth.js';
import { romosozumabCardiovascular, romosozumabDoseLimit } from './rules/order-romosozumab.js';
import { reboundFractures } from './rules/rebound.js';
import { duplicateDenosumab } from './rules/order-duplicate-denosumab.js';
import { withPlannedFollowOn } from './rules/planned-follow-on.js';
import { recentFracture, suspectedRebound } from './rules/vertebral-fractures.js';
import type { Terminology } from './terminology/valuesets.js';

/**
 * The boundary between the service layer and the clinical knowledge. The service layer hands over plain FHIR
 * resources (already resolved from prefetch or the FHIR server) and gets findings back (src/clinical/findings.ts);
 * it knows nothing of the rules, and the rules know nothing of HTTP or of card text.
 */
export interface EngineInput {
  serviceId: string;
  hook: HookName;
  patientId: string;
  /** Every resource from prefetch / the FHIR fallback, de-duplicated by type/id. */
  resources: FhirResource[];
  /** Draft orders from context.draftOrders (R4, STU3 or DSTU2 shapes), as received (Medication entries included). */
  draftOrders: FhirResource[];
  /**
   * Medication resources read from fhirServer for `unresolvedMedicationReferences(resources, draftOrders)`
   * (src/clinical/record/medication-references.ts); used only after contained, data and draft-Bundle Medications.
   */
  medications?: FhirResource[];
  /** order-select: the `Type/id` references of the newly selected orders. */
  selections?: string[];
  /** Resource types the FHIR server does not provide (capability-aware fallback): named on the affected cards. */
  unavailableData?: readonly string[];
  now: Date;
}

export interface EvaluatorOptions extends Partial<ClinicalConfig> {
  /** The compiled value sets (loaded once by the service layer's knowledge loader). */
  terminology: Terminology;
}

const RULES_VERSION = '0.1.0';

export interface ClinicalEvaluator {
  readonly contentVersion: string;
  readonly terminology: Terminology;
  /** record → rules → findings after one-card-per-problem and order scoping (before rendering). */
  findings(input: EngineInput): Finding[];
}

/** Build the evaluator once at start-up, over value sets compiled once: nothing is loaded per request. */
export function createClinicalEvaluator(options: EvaluatorOptions): ClinicalEvaluator {
  const { terminology } = options;
  const thresholds: ClinicalThresholds = { ...DEFAULT_THRESHOLDS, ...(options.thresholds ?? {}) };
  const statusPolicy: OrderHookStatusCards = options.orderHookStatusCards ?? 'always';
  const labelJurisdiction: LabelJurisdiction = options.labelJurisdiction ?? 'us';
  const versions = [...new Set(terminology.version.split(',').map((v) => v.split('@')[1]))].join('+');
  const contentVersion = `rules-${RULES_VERSION}+valuesets-${versions}`;
  const classifyMedication = createMedicationClassifier(terminology);
  const recordOptions = { futureToleranceDays: thresholds.futureToleranceDays, classifyMedication };

  function findings(input: EngineInput): Finding[] {
    const record = buildPatientRecord(
      input.resources,
      input.patientId,
      input.now,
      terminology,
      recordOptions,
      { draftOrders: input.draftOrders, ...(input.medications ? { medications: input.medications } : {}) },
    );
    const ctx: RuleContext = { record, today: record.today, thresholds, labelJurisdiction };
    let course = denosumabCourse(record, thresholds);
    const episodes = fractureEpisodes(record);
    const rebound = reboundFractures(ctx, course, episodes);

    let drafts: DraftOrder[] = [];
    let allDrafts: DraftOrder[] = [];
    if (input.hook !== 'patient-view') {
      allDrafts = readDraftOrders(input.draftOrders, terminology, record.medicationIndex);
      drafts = draftsInScope(allDrafts, input.hook, input.selections);
      course = withDraftStop(course, drafts, ctx);
    }

    const patientFindings = () =>
      oneCardPerProblem({
        // Decision 16: a follow-on order placed in this session is planned therapy (order hooks only).
        status: withPlannedFollowOn(
          ctx,
          denosumabStatus(ctx, course, episodes, redosingSafetyNotes(ctx)),
          course,
          allDrafts,
        ),
        fracture: recentFracture(ctx, episodes),
        rebound: suspectedRebound(ctx, course, rebound),
        others: [glucocorticoidExposure(ctx, course)].filter((f): f is Finding => !!f),
      });

    // R14 contraindications and the decision 20 lab state travel with every finding: no card may suggest what the
    // response warns against, and zoledronic acid is offered only on current labs.
    const safety = { ...suggestionSafetyFacts(ctx), ...zoledronateLabFacts(ctx), labelJurisdiction };
    const withSafety = (list: Finding[]): Finding[] =>
      list.map((f) => ({ ...f, facts: { ...f.facts, ...safety } }) as Finding);

    if (input.hook === 'patient-view') return withSafety(patientFindings());

    const orderFindings: Finding[] = [];
    for (const draft of drafts) {
      const checks = [
        augmentationInRebound(ctx, draft, rebound),
        romosozumabCardiovascular(ctx, draft),
        romosozumabDoseLimit(ctx, draft),
        // R10 "no planned antiresorptive": every draft of the ordering session counts as planned, selected or not.
        pthAfterDenosumab(ctx, draft, course, rebound, allDrafts),
        pthCumulative(ctx, draft),
        zoledronateRenal(ctx, draft),
        denosumabCalcium(ctx, draft),
        denosumabCkd(ctx, draft),
        duplicateDenosumab(ctx, draft, course),
        missingLabs(ctx, draft),
        immunosuppressionWithDenosumab(ctx, draft),
      ];
      for (const f of checks) if (f) orderFindings.push(f);
    }
    const includeStatus = statusPolicy === 'always' || drafts.some(isOsteoporosisOrder);
    return withSafety([...orderFindings, ...(includeStatus ? patientFindings() : [])]);
  }

  return { contentVersion, terminology, findings };
}

/**
 * order-sign/order-select: a denosumab draft that discontinues therapy (stopped/cancelled/doNotPerform) is an
 * explicit stop today (R4) → DMAB-PLANNED-STOP while the course is still within its interval.
 */
function withDraftStop(course: DenosumabCourse, drafts: DraftOrder[], ctx: RuleContext): DenosumabCourse {
  const stopping = drafts.find((d) => d.agent?.agent === 'denosumab' && d.stopping);
  if (!stopping || !course.last) return course;
  const record: MedicationRecord = {
    ...(stopping.ref ? { reference: stopping.ref } : {}),
    resourceType: stopping.resourceType,
    kind: 'request',
    status: `being stopped (draft order, ${formatDay(ctx.today)})`,
    display: stopping.orderName,
    agent: stopping.agent!,
    immunosuppressants: [],
    hadFutureDate: false,
    active: false,
    explicitStop: true,
  };
  return { ...course, stop: { day: ctx.today, record } };
}
