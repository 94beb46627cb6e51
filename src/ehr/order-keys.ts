import type { FhirResource } from '../protocol/types.js';
import { asProtocolResource, type CompiledOrder } from '../cards/fhir-orders.js';

/**
 * Which catalogue order (a key of cards/_orders.json) a rendered resource was built from, read from its code
 * (ServiceRequest.code, MedicationRequest.medicationCodeableConcept), which the renderer copies verbatim from the
 * content. Built once at start-up from the catalogue; a code shared by two orders names neither (and is reported).
 */
export interface OrderKeyIndex {
  keyOf(resource: FhirResource): string | undefined;
  readonly keys: ReadonlySet<string>;
  /** Orders whose code is shared with another order (not identifiable in a rendered card). */
  readonly ambiguous: readonly string[];
}

const conceptOf = (resource: FhirResource): unknown =>
  resource.resourceType === 'MedicationRequest' ? resource.medicationCodeableConcept : resource.code;

export function createOrderKeyIndex(orders: ReadonlyMap<string, CompiledOrder>): OrderKeyIndex {
  const bySignature = new Map<string, string | null>();
  for (const [key, order] of orders) {
    const sample = asProtocolResource(order.build({ patientId: 'x', authoredOn: '2000-01-01', reason: 'x' }));
    const signature = `${order.resourceType}|${JSON.stringify(conceptOf(sample))}`;
    bySignature.set(signature, bySignature.has(signature) ? null : key);
  }
  const ambiguous = [...orders.keys()].filter((key) => ![...bySignature.values()].includes(key));
  return {
    keys: new Set(orders.keys()),
    ambiguous,
    keyOf(resource) {
      const concept = conceptOf(resource);
      if (concept === undefined) return undefined;
      return bySignature.get(`${resource.resourceType}|${JSON.stringify(concept)}`) ?? undefined;
    },
  };
}
