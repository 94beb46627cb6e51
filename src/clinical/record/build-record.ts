import { addDays, dayFromInstant } from '../dates.js';
import type { Terminology } from '../terminology/valuesets.js';
import type { FhirResource } from '../../protocol/types.js';
import { normaliseCondition } from './conditions.js';
import {
  isMedicationType,
  normaliseMedication,
  type DateWindow,
  type MedicationClassifier,
} from './medications.js';
import { normaliseObservation, normalisePatient, normaliseProcedure, weightInKg } from './observations.js';
import type { Json } from './fhir-read.js';
import { indexMedications } from './medication-references.js';
import { BILLING_TYPES, normaliseBilledDose } from './billed-doses.js';
import type {
  ConditionRecord,
  LabResult,
  MedicationRecord,
  PatientFacts,
  PatientRecord,
  ProcedureRecord,
} from './types.js';

export interface RecordOptions {
  /** R15: dates later than now + this many days are data errors or scheduled events and are ignored. */
  futureToleranceDays: number;
  /** The engine's memoising classifier (createMedicationClassifier); without one, every resource is classified. */
  classifyMedication?: MedicationClassifier;
}

/** Resources that are not patient data but complete it (issue #16 item 1). */
export interface RecordSources {
  /** `context.draftOrders` resources: their Medication entries resolve references (Epic, since 2024). */
  draftOrders?: readonly FhirResource[];
  /** Medications read from fhirServer for the references the data left unresolved. */
  medications?: readonly FhirResource[];
}

/**
 * Normalise the request's resources once into the indexed view the rules read. One pass buckets the resources by
 * type (Medication and Patient are needed to read the others), a second pass normalises each bucket.
 */
export function buildPatientRecord(
  resources: readonly FhirResource[],
  patientId: string,
  now: Date,
  terminology: Terminology,
  options: RecordOptions,
  sources: RecordSources = {},
): PatientRecord {
  const today = dayFromInstant(now);
  const window: DateWindow = { today, latest: addDays(today, options.futureToleranceDays) };

  const medicationIndex = indexMedications(resources, sources.draftOrders, sources.medications);
  const medicationResources: Json[] = [];
  const conditionResources: Json[] = [];
  const observationResources: Json[] = [];
  const procedureResources: Json[] = [];
  const billingResources: Json[] = [];
  let patientResource: Json | undefined;
  for (const resource of resources) {
    if (!resource || typeof resource !== 'object') continue;
    const type = resource.resourceType;
    if (type === 'Medication') continue;
    if (BILLING_TYPES.has(type)) billingResources.push(resource);
    if (isMedicationType(type)) medicationResources.push(resource);
    else if (type === 'Condition') conditionResources.push(resource);
    else if (type === 'Observation') observationResources.push(resource);
    else if (type === 'Procedure') procedureResources.push(resource);
    else if (type === 'Patient' && (!patientResource || resource.id === patientId))
      patientResource = resource;
  }

  const patient: PatientFacts = patientResource ? normalisePatient(patientResource) : {};

  const medications: MedicationRecord[] = [];
  const byAgent = new Map<string, MedicationRecord[]>();
  const glucocorticoids: MedicationRecord[] = [];
  const addMedication = (med: MedicationRecord | undefined) => {
    if (!med) return;
    medications.push(med);
    if (med.agent) {
      const list = byAgent.get(med.agent.agent);
      if (list) list.push(med);
      else byAgent.set(med.agent.agent, [med]);
    }
    if (med.glucocorticoid) glucocorticoids.push(med);
  };
  for (const resource of medicationResources)
    addMedication(
      normaliseMedication(resource, terminology, medicationIndex, window, options.classifyMedication),
    );
  // Decision 18: denosumab doses known from claims (Procedure / ChargeItem coded HCPCS J0897).
  for (const resource of billingResources)
    addMedication(normaliseBilledDose(resource, terminology, window, options.classifyMedication));

  const conditions: ConditionRecord[] = [];
  const fractures: ConditionRecord[] = [];
  const cardiovascular: ConditionRecord[] = [];
  const transplants: ConditionRecord[] = [];
  for (const resource of conditionResources) {
    const condition = normaliseCondition(resource, terminology, patient.birthDay, window);
    if (!condition) continue;
    conditions.push(condition);
    if (condition.vertebralFracture) fractures.push(condition);
    if (condition.cardiovascular) cardiovascular.push(condition);
    if (condition.transplant) transplants.push(condition);
  }

  const labs = new Map<string, LabResult[]>();
  for (const resource of observationResources) {
    for (const result of normaliseObservation(resource, terminology, window)) {
      const list = labs.get(result.analyte);
      if (list) list.push(result);
      else labs.set(result.analyte, [result]);
    }
  }
  for (const list of labs.values()) list.sort((a, b) => b.day - a.day);
  const weight = (labs.get('body-weight') ?? []).find((w) => weightInKg(w) !== undefined);
  if (weight) {
    patient.weightKg = weightInKg(weight)!;
    patient.weightDay = weight.day;
  }

  const procedures: ProcedureRecord[] = [];
  for (const resource of procedureResources) {
    const procedure = normaliseProcedure(resource, terminology, window);
    if (procedure) procedures.push(procedure);
  }

  return {
    today,
    patient,
    medications,
    byAgent,
    glucocorticoids,
    conditions,
    fractures,
    cardiovascular,
    transplants,
    labs,
    procedures,
    medicationIndex,
  };
}
