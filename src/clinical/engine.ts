import type { Card, FhirResource, HookName } from '../cds-hooks/types.js';

/**
 * The boundary between the protocol layer and the clinical knowledge. The protocol layer hands over plain FHIR
 * resources (already resolved from prefetch or the FHIR server) and gets CDS cards back; it knows nothing of the
 * rules, and the rules know nothing of HTTP.
 */
export interface EngineInput {
  serviceId: string;
  hook: HookName;
  patientId: string;
  /** Every resource from prefetch / the FHIR fallback, de-duplicated by type/id. */
  resources: FhirResource[];
  /** Draft orders from context.draftOrders (R4, STU3 or DSTU2 shapes), as received. */
  draftOrders: FhirResource[];
  /** order-select: the `Type/id` references of the newly selected orders. */
  selections?: string[];
  now: Date;
}

export interface CdsEngine {
  /** Version of the rule content (value sets + card content), recorded with every card. */
  readonly contentVersion: string;
  evaluate(input: EngineInput): Card[];
}

/** Placeholder until the clinical engine lands: the pipeline is real, the rule set is empty. */
export function createEngine(_options: unknown = {}): CdsEngine {
  return { contentVersion: '0.0.0-empty', evaluate: () => [] };
}
