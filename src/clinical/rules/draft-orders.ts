import type { FhirResource } from '../../protocol/types.js';
import { classifyAgent, type AgentMatch } from '../terminology/classify-medication.js';
import * as T from '../terminology/text-patterns.js';
import type { Terminology } from '../terminology/valuesets.js';
import {
  asObject,
  readConcept,
  readStatus,
  referenceKey,
  referenceOf,
  type Json,
} from '../record/fhir-read.js';
import { doseMilligrams, medicationConcept, type MedicationIndex } from '../record/medication-concept.js';

/**
 * Draft orders from context.draftOrders as the order rules see them: R4 MedicationRequest / ServiceRequest,
 * STU3 ProcedureRequest, DSTU2 MedicationOrder, and R4 non-strict shapes from the sandbox. A draft with no
 * medication chosen yet, or of an unknown type, is kept but matches no rule.
 */
export interface DraftOrder {
  /** `Type/id` when the draft has an id (needed for a delete suggestion). */
  ref?: string;
  resourceType: string;
  orderName: string;
  agent?: AgentMatch;
  /** Vertebroplasty / kyphoplasty (§2.4), coded or by text. */
  augmentation: boolean;
  /** A denosumab draft that discontinues rather than gives (status stopped/cancelled, doNotPerform). */
  stopping: boolean;
}

const MEDICATION_ORDER_TYPES = new Set(['MedicationRequest', 'MedicationOrder']);
const PROCEDURE_ORDER_TYPES = new Set([
  'ServiceRequest',
  'ProcedureRequest',
  'DiagnosticOrder',
  'ProcedureOrder',
]);

export function readDraftOrders(
  drafts: readonly FhirResource[],
  terminology: Terminology,
  medications: MedicationIndex,
): DraftOrder[] {
  const out: DraftOrder[] = [];
  for (const draft of drafts) {
    const resource = asObject(draft) as Json | undefined;
    if (!resource || typeof resource.resourceType !== 'string') continue;
    // A Medication entry of the draft Bundle describes an order's drug (item 1); it is not an order itself.
    if (resource.resourceType === 'Medication') continue;
    const ref = referenceOf(resource);
    const status = readStatus(resource.status) ?? '';
    if (MEDICATION_ORDER_TYPES.has(resource.resourceType)) {
      const concept = medicationConcept(resource, medications);
      const doseMg = doseMilligrams(resource);
      const agent = classifyAgent(terminology, { ...concept, ...(doseMg !== undefined ? { doseMg } : {}) });
      out.push({
        ...(ref ? { ref } : {}),
        resourceType: resource.resourceType,
        // A bare code (no text/display, e.g. a contained Medication with a coding only) is named by its value-set display.
        orderName: concept.text.split(' | ')[0] || agent?.display || 'medication order',
        ...(agent ? { agent } : {}),
        augmentation: false,
        stopping: status === 'stopped' || status === 'cancelled' || resource.doNotPerform === true,
      });
    } else if (PROCEDURE_ORDER_TYPES.has(resource.resourceType)) {
      const concept = readConcept(resource.code);
      const coded = terminology.match('vertebral-augmentation', concept.codings);
      out.push({
        ...(ref ? { ref } : {}),
        resourceType: resource.resourceType,
        orderName:
          concept.text.split(' | ')[0] ||
          (coded ? `${coded.originalCode} ${coded.concept.display}` : undefined) ||
          String(concept.codings[0]?.code ?? 'procedure order'),
        augmentation: (!!coded || T.AUGMENTATION_TEXT.test(concept.text)) && resource.doNotPerform !== true,
        stopping: false,
      });
    } else {
      out.push({
        ...(ref ? { ref } : {}),
        resourceType: resource.resourceType,
        orderName: resource.resourceType,
        augmentation: false,
        stopping: false,
      });
    }
  }
  return out;
}

/** order-select: only drafts named in `selections` (compared as `Type/id`); order-sign: every draft. */
export function draftsInScope(
  drafts: DraftOrder[],
  hook: string,
  selections: readonly string[] | undefined,
): DraftOrder[] {
  if (hook !== 'order-select') return drafts;
  const selected = new Set((selections ?? []).map((s) => referenceKey(s) ?? s));
  return drafts.filter((d) => d.ref !== undefined && selected.has(d.ref));
}

const OSTEOPOROSIS_AGENTS = new Set([
  'denosumab',
  'zoledronate',
  'oral-bisphosphonate',
  'pamidronate',
  'teriparatide',
  'abaloparatide',
  'romosozumab',
  'raloxifene',
]);

/** An order the osteoporosis CDS is about (for ORDER_HOOK_STATUS_CARDS=osteoporosis-orders). */
export const isOsteoporosisOrder = (d: DraftOrder) =>
  d.augmentation || (d.agent !== undefined && OSTEOPOROSIS_AGENTS.has(d.agent.agent));
