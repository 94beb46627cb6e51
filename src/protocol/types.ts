/** CDS Hooks 2.0 response objects (https://cds-hooks.hl7.org/2.0/#cds-service-response). */

export type HookName = 'patient-view' | 'order-select' | 'order-sign';
export type Indicator = 'info' | 'warning' | 'critical';

export interface Coding {
  system: string;
  code: string;
  display?: string;
}

export interface Source {
  label: string;
  url?: string;
  icon?: string;
  topic?: Coding;
}

export interface Action {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: FhirResource;
  resourceId?: string;
}

export interface Suggestion {
  label: string;
  uuid?: string;
  isRecommended?: boolean;
  actions?: Action[];
}

export interface Link {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
  appContext?: string;
}

export interface Card {
  uuid?: string;
  summary: string;
  detail?: string;
  indicator: Indicator;
  source: Source;
  suggestions?: Suggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Coding[];
  links?: Link[];
}

export interface CdsResponse {
  cards: Card[];
  systemActions?: Action[];
}

/** Any FHIR resource as received; the clinical layer narrows it with @types/fhir. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  [key: string]: unknown;
}
