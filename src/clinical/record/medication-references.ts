import type { FhirResource } from '../../protocol/types.js';
import { asArray, asObject, asString, referenceKey, type Json } from './fhir-read.js';

/**
 * Where the Medication of a `medicationReference` is found (issue #16 item 1), in this order:
 *  1. a Medication contained in the referring resource (`#id`, read by medicationConcept);
 *  2. a Medication entry of the same prefetch / fallback data (an `_include`d entry of a searchset);
 *  3. a Medication entry of the `draftOrders` Bundle (Epic places it beside the order since Feb 2024);
 *  4. Medications read from `fhirServer` by the protocol layer for the references still unresolved after 1–3.
 * Only when none has it does the reference's display text stand in, as a text match (decision 5).
 *
 * The contract with the FHIR access layer is the two functions below: `unresolvedMedicationReferences` names the
 * `Medication/id` keys to read; the Medications read are handed back to the engine as `EngineInput.medications`.
 */

/** Resource types whose `medicationReference` (or R5 `medication.reference`) names a drug. */
const REFERRING_TYPES = new Set([
  'MedicationAdministration',
  'MedicationStatement',
  'MedicationRequest',
  'MedicationOrder',
  'MedicationDispense',
]);

/** Medication resources by `Medication/id`. */
export type MedicationIndex = ReadonlyMap<string, Json>;

/**
 * One index of the Medications found outside the referring resources. A Medication of the patient data wins over
 * one of the draft Bundle, which wins over one read from the server (the order of item 1).
 */
export function indexMedications(
  resources: readonly FhirResource[],
  draftOrders: readonly FhirResource[] = [],
  fromServer: readonly FhirResource[] = [],
): Map<string, Json> {
  const index = new Map<string, Json>();
  for (const list of [resources, draftOrders, fromServer]) {
    for (const resource of list) {
      if (!resource || resource.resourceType !== 'Medication') continue;
      const id = asString(resource.id);
      if (id && !index.has(`Medication/${id}`)) index.set(`Medication/${id}`, resource);
    }
  }
  return index;
}

/** The `Medication/id` a medication resource refers to, unless the Medication is contained (or there is none). */
export function externalMedicationKey(resource: Json): string | undefined {
  const ref = asObject(resource.medicationReference) ?? asObject(asObject(resource.medication)?.reference);
  const target = asString(ref?.reference);
  if (!target || target.startsWith('#')) return undefined;
  const key = referenceKey(target);
  return key?.startsWith('Medication/') ? key : undefined;
}

/**
 * The `Medication/id` keys that the patient data and the draft orders refer to but do not carry (neither contained,
 * nor an entry of the data, nor an entry of the draft Bundle): what the FHIR access layer should read from
 * `fhirServer` (one `_id` search). Sorted and without duplicates; empty when everything resolves.
 */
export function unresolvedMedicationReferences(
  resources: readonly FhirResource[],
  draftOrders: readonly FhirResource[] = [],
): string[] {
  const known = indexMedications(resources, draftOrders);
  const missing = new Set<string>();
  for (const list of [resources, draftOrders]) {
    for (const resource of list) {
      if (!resource || !REFERRING_TYPES.has(resource.resourceType)) continue;
      const key = externalMedicationKey(resource);
      if (key && !known.has(key)) missing.add(key);
    }
  }
  return [...missing].sort();
}

/** The ids of `unresolvedMedicationReferences` (for `Medication?_id=a,b,c`). */
export const medicationIds = (keys: readonly string[]): string[] =>
  keys.map((k) => k.slice('Medication/'.length));

/** A contained Medication of `resource` by its local id (`#id` without the hash). */
export function containedMedication(resource: Json, localId: string): Json | undefined {
  for (const c of asArray(resource.contained)) {
    const o = asObject(c);
    if (o?.resourceType === 'Medication' && o.id === localId) return o;
  }
  return undefined;
}
