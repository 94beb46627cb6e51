import { randomUUID } from 'node:crypto';
import type { FhirResource, HookName } from '../protocol/types.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import type { DemoPatient } from './demo-patients.js';

/** What the demo patients become on the wire: FHIR transaction Bundles, prefetch, and CDS Hooks requests. */

/** The user every demo request comes from (a synthetic practitioner). */
export const DEMO_USER = 'Practitioner/demo-clinician';

/**
 * One FHIR R4 transaction per patient. Entries are PUTs to the demo ids (no fullUrl is needed for an update), so
 * loading twice updates instead of duplicating, and references stay plain `Patient/demo-…`.
 */
export function transactionBundle(patient: DemoPatient): FhirResource {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: patient.resources.map((resource) => ({
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
    })),
  };
}

const searchset = (resources: FhirResource[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.length,
  entry: resources.map((resource) => ({ resource })),
});

/**
 * Prefetch for one patient, key by key from the service's templates: a read (`Patient/{{…}}`) gives the resource,
 * a search (`Type?…`) gives a searchset of the patient's resources of that type. The demo charts only hold codes
 * the templates ask for, so the search parameters need not be evaluated here.
 */
export function prefetchFor(
  templates: Record<string, string>,
  patient: DemoPatient,
): Record<string, unknown> {
  const prefetch: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(templates)) {
    const read = /^([A-Za-z]+)\/\{\{/.exec(template);
    if (read) {
      const found = patient.resources.find((r) => r.resourceType === read[1]);
      prefetch[key] = found ?? null;
      continue;
    }
    const search = /^([A-Za-z]+)\?/.exec(template);
    if (search) prefetch[key] = searchset(patient.resources.filter((r) => r.resourceType === search[1]));
  }
  return prefetch;
}

/** The hooks a demo patient is shown on: always patient-view; the order hooks when there is a draft order. */
export function hooksFor(patient: DemoPatient): HookName[] {
  return patient.draftOrder ? ['patient-view', 'order-select', 'order-sign'] : ['patient-view'];
}

export interface HookRequestOptions {
  /** Include prefetch (the preview page, tests). Without it the service reads the chart from `fhirServer`. */
  withPrefetch: boolean;
  fhirServer?: string;
}

/** A CDS Hooks 2.0 request for this patient on this service, shaped like an EHR's (draftOrders without `type`). */
export function hookRequest(service: ServiceDefinition, patient: DemoPatient, options: HookRequestOptions) {
  const context: Record<string, unknown> = { userId: DEMO_USER, patientId: patient.id };
  if (service.hook !== 'patient-view') {
    const draft = patient.draftOrder;
    context.draftOrders = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: draft ? [{ resource: draft }] : [],
    };
    if (service.hook === 'order-select')
      context.selections = draft ? [`${draft.resourceType}/${draft.id}`] : [];
  }
  return {
    hookInstance: randomUUID(),
    hook: service.hook,
    ...(options.fhirServer ? { fhirServer: options.fhirServer } : {}),
    context,
    ...(options.withPrefetch ? { prefetch: prefetchFor(service.prefetch, patient) } : {}),
  };
}

/** The service that answers a hook (the first one defined for it). */
export function serviceFor(services: ServiceDefinition[], hook: HookName): ServiceDefinition | undefined {
  return services.find((s) => s.hook === hook);
}
