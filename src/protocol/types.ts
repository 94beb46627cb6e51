/**
 * CDS Hooks 2.0 response objects (https://cds-hooks.hl7.org/2.0/#cds-service-response): the types are inferred from
 * the zod schemas in schemas/response.ts, the one source of the response shape.
 */
export type {
  Action,
  Card,
  CdsResponse,
  Coding,
  Indicator,
  Link,
  OverrideReason,
  Source,
  Suggestion,
} from './schemas/response.js';

export type HookName = 'patient-view' | 'order-select' | 'order-sign';

/** Any FHIR resource as received; the clinical layer narrows it with @types/fhir. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  [key: string]: unknown;
}
