import { isResource } from './fhir-client.js';
import type { FhirResource } from './types.js';
import { resolveBundleReferences } from './bundle-references.js';

/**
 * The resources in `context.draftOrders`. A Bundle is read with or without `type` and `fullUrl` (the sandbox and
 * cds-hooks.org examples omit both); a single resource instead of a Bundle is accepted as one draft order.
 * The request schema has already refused an `entry` that is not an array and entries without a resource. DSTU2/STU3 resource types are passed through for the clinical layer,
 * which reads the fields it needs or ignores them.
 */
export function draftOrderResources(draftOrders: unknown): FhirResource[] {
  if (!isResource(draftOrders)) return [];
  if (draftOrders.resourceType !== 'Bundle') return [draftOrders];
  if (!Array.isArray(draftOrders.entry)) return [];
  const out: { fullUrl?: unknown; resource: FhirResource }[] = [];
  for (const entry of draftOrders.entry as unknown[]) {
    const e = entry as { resource?: unknown; fullUrl?: unknown } | null;
    if (isResource(e?.resource)) out.push({ fullUrl: e.fullUrl, resource: e.resource });
  }
  // Transaction-style clients refer to the Medication beside the order by its `urn:uuid:` fullUrl.
  return resolveBundleReferences(out);
}
