import { randomUUID } from 'node:crypto';
import type { CodeableConcept, Dosage, MedicationRequest, ServiceRequest } from 'fhir/r4.js';
import type { FhirResource } from '../protocol/types.js';
import { SYSTEMS } from '../clinical/terminology/systems.js';
import type { Concept, OrderDefinition } from './content-schema.js';

/**
 * Suggested orders as FHIR R4 resources. The clinical content (codes, text, dose, route) comes from
 * cards/_orders.json; this module only adds what is per request: a fresh id, the patient, today's date, the
 * planned date and the reason. Static parts are built and frozen once at start-up and shared between responses.
 */

export interface OrderRequest {
  patientId: string;
  /** YYYY-MM-DD from the injected clock. */
  authoredOn: string;
  /** YYYY-MM-DD when the order should be carried out (a lab in 3 months, a follow-on infusion); absent = now. */
  occurrenceDate?: string;
  /** Why the order is suggested: the card title (static content, never patient data). */
  reason: string;
}

/** A suggested order: typed as FHIR R4 (`fhir/r4` from @types/fhir), so a misspelt element fails the build. */
export type SuggestedOrder = MedicationRequest | ServiceRequest;

/**
 * The protocol carries any resource as plain JSON (`FhirResource`, with an index signature); an R4 interface is
 * such JSON, but TypeScript does not give interfaces an implicit index signature, hence the one cast.
 */
export const asProtocolResource = (resource: SuggestedOrder): FhirResource =>
  resource as unknown as FhirResource;

export interface CompiledOrder {
  readonly key: string;
  readonly resourceType: SuggestedOrder['resourceType'];
  readonly description: string;
  build(request: OrderRequest): SuggestedOrder;
}

function codeableConcept(concept: Concept): CodeableConcept {
  if (concept.coding === undefined) return { text: concept.text };
  // The verification label documents the code's provenance in the content file; it is not a FHIR element.
  const { system, code, display } = concept.coding;
  return {
    coding: [display === undefined ? { system, code } : { system, code, display }],
    text: concept.text,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function compileOrder(key: string, definition: OrderDefinition): CompiledOrder {
  if (definition.resourceType === 'MedicationRequest') {
    const medication = deepFreeze(codeableConcept(definition.medication));
    const route = deepFreeze(codeableConcept(definition.dosage.route));
    const doseAndRate: Dosage['doseAndRate'] = deepFreeze([
      {
        doseQuantity: {
          value: definition.dosage.dose.value,
          unit: definition.dosage.dose.unit,
          system: SYSTEMS.ucum,
          code: definition.dosage.dose.ucum,
        },
      },
    ]);
    const dosageText = definition.dosage.text;
    return {
      key,
      resourceType: 'MedicationRequest',
      description: definition.description,
      build: (request): MedicationRequest => ({
        resourceType: 'MedicationRequest',
        id: randomUUID(),
        status: 'draft',
        intent: 'proposal',
        medicationCodeableConcept: medication,
        subject: { reference: `Patient/${request.patientId}` },
        authoredOn: request.authoredOn,
        reasonCode: [{ text: request.reason }],
        dosageInstruction: [
          {
            text:
              request.occurrenceDate === undefined
                ? dosageText
                : `${dosageText}, on or about ${request.occurrenceDate}`,
            timing:
              request.occurrenceDate === undefined
                ? { repeat: { count: 1 } }
                : { event: [request.occurrenceDate], repeat: { count: 1 } },
            route,
            doseAndRate,
          },
        ],
      }),
    };
  }
  const code = deepFreeze(codeableConcept(definition.code));
  const category =
    definition.category === undefined ? undefined : deepFreeze([codeableConcept(definition.category)]);
  return {
    key,
    resourceType: 'ServiceRequest',
    description: definition.description,
    build: (request): ServiceRequest => {
      const resource: ServiceRequest = {
        resourceType: 'ServiceRequest',
        id: randomUUID(),
        status: 'draft',
        intent: 'proposal',
        code,
        subject: { reference: `Patient/${request.patientId}` },
        authoredOn: request.authoredOn,
        reasonCode: [{ text: request.reason }],
      };
      if (category !== undefined) resource.category = category;
      if (request.occurrenceDate !== undefined) resource.occurrenceDateTime = request.occurrenceDate;
      return resource;
    },
  };
}
