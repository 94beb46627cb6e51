import {
  asArray,
  asNumber,
  asObject,
  asString,
  mergeConcepts,
  readConcept,
  readQuantity,
  referenceKey,
  toMilligrams,
  type Concept,
  type Json,
} from './fhir-read.js';

import { containedMedication, type MedicationIndex } from './medication-references.js';

export type { MedicationIndex } from './medication-references.js';

function strengthText(ingredient: Json): string {
  const strength = asObject(ingredient.strength) ?? asObject(ingredient.strengthRatio);
  if (!strength) return '';
  const n = readQuantity(strength.numerator);
  const d = readQuantity(strength.denominator);
  if (!n) return '';
  if (!d) return `${n.value} ${n.unit}`;
  return `${n.value} ${n.unit}/${d.value === 1 ? '' : `${d.value} `}${d.unit}`;
}

/** Code, ingredients and strengths of a Medication resource as one concept. */
function medicationResourceConcept(medication: Json): Concept {
  const parts: Concept[] = [readConcept(medication.code)];
  for (const ing of asArray(medication.ingredient)) {
    const ingredient = asObject(ing);
    if (!ingredient) continue;
    const item = ingredient.itemCodeableConcept ?? asObject(ingredient.item)?.concept;
    parts.push(readConcept(item));
    const strength = strengthText(ingredient);
    if (strength) parts.push({ codings: [], text: strength });
  }
  return mergeConcepts(...parts);
}

/**
 * The drug of a medication resource (R4/STU3 MedicationRequest/Statement/Administration, DSTU2 MedicationOrder,
 * R5 CodeableReference): `medicationCodeableConcept`, or `medicationReference` resolved to a contained Medication,
 * else one of `medications` (the data, the draft Bundle, or read from fhirServer: medication-references.ts).
 * Unresolvable references keep their display text, which is then only a text match (decision 5).
 */
export function medicationConcept(resource: Json, medications: MedicationIndex): Concept {
  const parts: Concept[] = [];
  if (resource.medicationCodeableConcept !== undefined)
    parts.push(readConcept(resource.medicationCodeableConcept));
  const r5 = asObject(resource.medication);
  if (r5?.concept !== undefined) parts.push(readConcept(r5.concept));
  const ref = asObject(resource.medicationReference) ?? asObject(r5?.reference);
  if (ref) {
    const target = asString(ref.reference);
    let medication: Json | undefined;
    if (target?.startsWith('#')) {
      medication = containedMedication(resource, target.slice(1));
    } else if (target) {
      const key = referenceKey(target);
      if (key) medication = medications.get(key);
    }
    if (medication) parts.push(medicationResourceConcept(medication));
    const display = asString(ref.display);
    if (display) parts.push({ codings: [], text: display });
  }
  return mergeConcepts(...parts);
}

/** The first dosage's dose quantity: MedicationAdministration.dosage.dose, R4 doseAndRate, STU3/DSTU2 doseQuantity. */
export function doseQuantity(resource: Json) {
  const adminDosage = asObject(resource.dosage);
  if (adminDosage && adminDosage.dose !== undefined) return readQuantity(adminDosage.dose);
  const dosage = asObject(asArray(resource.dosageInstruction)[0]) ?? asObject(asArray(resource.dosage)[0]);
  if (!dosage) return undefined;
  const doseAndRate = asObject(asArray(dosage.doseAndRate)[0]);
  return readQuantity(doseAndRate?.doseQuantity ?? dosage.doseQuantity);
}

export const doseMilligrams = (resource: Json) => toMilligrams(doseQuantity(resource));

/** Administrations per day from the first dosage's timing (frequency / period), when stated. */
export function administrationsPerDay(resource: Json): number | undefined {
  const dosage = asObject(asArray(resource.dosageInstruction)[0]) ?? asObject(asArray(resource.dosage)[0]);
  const repeat = asObject(asObject(dosage?.timing)?.repeat);
  if (!repeat) return undefined;
  const frequency = asNumber(repeat.frequency) ?? 1;
  const period = asNumber(repeat.period) ?? 1;
  const unitDays: Record<string, number> = { h: 1 / 24, d: 1, wk: 7, mo: 30.4375, a: 365.25, min: 1 / 1440 };
  const days = unitDays[asString(repeat.periodUnit) ?? 'd'];
  if (!days || period <= 0) return undefined;
  return frequency / (period * days);
}

/** Bounds of the first dosage's timing (R4 boundsPeriod). */
export function timingBounds(resource: Json): { start?: string; end?: string } {
  const dosage = asObject(asArray(resource.dosageInstruction)[0]) ?? asObject(asArray(resource.dosage)[0]);
  const bounds = asObject(asObject(asObject(dosage?.timing)?.repeat)?.boundsPeriod);
  return { start: asString(bounds?.start), end: asString(bounds?.end) };
}
