import type { FhirResource, HookName } from '../../../src/protocol/types.js';
import {
  DEFAULT_THRESHOLDS,
  type ClinicalThresholds,
  type OrderHookStatusCards,
} from '../../../src/config/clinical.js';
import { createClinicalEvaluator } from '../../../src/clinical/evaluator.js';
import { loadProjectKnowledge } from '../../../src/service/knowledge.js';
import type { Finding } from '../../../src/clinical/findings.js';
import { PATIENT_ID } from './fhir.js';

export const NOW = new Date('2025-06-15T12:00:00Z');

const evaluators = new Map<string, ReturnType<typeof createClinicalEvaluator>>();

function evaluator(thresholds: Partial<ClinicalThresholds>, policy: OrderHookStatusCards) {
  const key = JSON.stringify([thresholds, policy]);
  let e = evaluators.get(key);
  if (!e) {
    e = createClinicalEvaluator({
      thresholds: { ...DEFAULT_THRESHOLDS, ...thresholds },
      orderHookStatusCards: policy,
      terminology: loadProjectKnowledge().terminology,
    });
    evaluators.set(key, e);
  }
  return e;
}

/** Run the rules (no rendering) and return the findings. */
export function findingsFor(
  resources: FhirResource[],
  opts: {
    hook?: HookName;
    drafts?: FhirResource[];
    /** Medications read from fhirServer (EngineInput.medications). */
    medications?: FhirResource[];
    selections?: string[];
    now?: Date | string;
    thresholds?: Partial<ClinicalThresholds>;
    policy?: OrderHookStatusCards;
  } = {},
): Finding[] {
  const hook = opts.hook ?? 'patient-view';
  return evaluator(opts.thresholds ?? {}, opts.policy ?? 'always').findings({
    serviceId: `osteoporosis-${hook}`,
    hook,
    patientId: PATIENT_ID,
    resources,
    draftOrders: opts.drafts ?? [],
    ...(opts.medications ? { medications: opts.medications } : {}),
    ...(opts.selections
      ? { selections: opts.selections }
      : hook === 'order-select'
        ? { selections: (opts.drafts ?? []).map((d) => `${d.resourceType}/${d.id}`) }
        : {}),
    now: typeof opts.now === 'string' ? new Date(opts.now) : (opts.now ?? NOW),
  });
}

export const ids = (findings: Finding[]) => findings.map((f) => f.id).sort();
export const byId = (findings: Finding[], id: string) => findings.find((f) => f.id === id);
