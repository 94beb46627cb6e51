import type * as R2 from 'fhir/r2.js';
import type * as R3 from 'fhir/r3.js';
import type * as R4 from 'fhir/r4.js';
import { parseDay, type Day } from '../dates.js';
import type { Terminology } from '../terminology/valuesets.js';
import {
  asArray,
  asObject,
  asString,
  conceptLabel,
  readCodings,
  readConcept,
  readQuantity,
  readStatus,
  referenceOf,
  type Json,
  type Received,
} from './fhir-read.js';
import type { DateWindow } from './medications.js';
import { readLabValue } from './lab-values.js';
import type { LabResult, PatientFacts, ProcedureRecord } from './types.js';
import * as T from '../terminology/text-patterns.js';

const IGNORED_OBSERVATION_STATUS = new Set(['entered-in-error', 'cancelled']);

function interpretationCodes(holder: Json): string[] {
  const out: string[] = [];
  if (holder.interpretation !== undefined) {
    for (const i of asArray(holder.interpretation)) {
      const code = readStatus(i)?.toUpperCase();
      if (code) out.push(code);
    }
  }
  return out;
}

/**
 * One result (the Observation itself, or one of its components) → LabResult, or undefined when it has no usable
 * value: no number (valueQuantity, valueInteger, a number in valueString) and no interpretation flag. Such a
 * result (a hemolysed sample, "see comment", a dataAbsentReason) is dropped here, so every lab check skips it
 * the same way (issue #16 item 4).
 */
function labResult(
  holder: Json,
  hit: NonNullable<ReturnType<Terminology['match']>>,
  resource: Json,
  day: Day,
  display: string,
): LabResult | undefined {
  const value = readLabValue(holder);
  const interpretation = interpretationCodes(holder);
  if (!value && interpretation.length === 0) return undefined;
  const range = asObject(asArray(holder.referenceRange)[0]);
  return {
    reference: referenceOf(resource),
    analyte: hit.concept.props.analyte ?? 'other',
    code: hit.recordCode,
    day,
    value: value?.value,
    comparator: value?.comparator,
    unit: value?.unit ?? '',
    referenceLow: range ? readQuantity(range.low)?.value : undefined,
    referenceHigh: range ? readQuantity(range.high)?.value : undefined,
    interpretation,
    display: display || hit.concept.display,
  };
}

/**
 * One Observation → its LabResults (by LOINC analyte): the Observation's own value, and the value of each
 * `component` whose code is a known analyte (a panel, or a value sent in a component). Nothing for
 * entered-in-error, cancelled, undated or future results (R15).
 */
export function normaliseObservation(
  resource: Received<R4.Observation & R3.Observation & R2.Observation>,
  terminology: Terminology,
  window: DateWindow,
): LabResult[] {
  const status = readStatus(resource.status);
  if (status && IGNORED_OBSERVATION_STATUS.has(status)) return [];
  // Codes first: the display text is read only for the results that are kept.
  const hit = terminology.match('bone-labs', readCodings(resource.code));
  const components = resource.component === undefined ? [] : asArray(resource.component);
  if (!hit && components.length === 0) return [];
  const day = parseDay(
    resource.effectiveDateTime ??
      asObject(resource.effectivePeriod)?.start ??
      resource.effectiveInstant ??
      resource.issued,
  );
  if (day === undefined || day > window.latest) return [];
  const out: LabResult[] = [];
  if (hit) {
    const own = labResult(resource, hit, resource, day, conceptLabel(resource.code));
    if (own) out.push(own);
  }
  for (const c of components) {
    const component = asObject(c);
    if (!component) continue;
    const componentHit = terminology.match('bone-labs', readCodings(component.code));
    if (!componentHit) continue;
    const result = labResult(component, componentHit, resource, day, conceptLabel(component.code));
    // A component repeating the Observation's own analyte and value adds nothing.
    if (result && !out.some((r) => r.analyte === result.analyte && r.value === result.value))
      out.push(result);
  }
  return out;
}

/** Body weight in kg from a weight result (kg, g, lb). */
export function weightInKg(result: LabResult): number | undefined {
  if (result.value === undefined || result.comparator !== undefined) return undefined;
  const unit = result.unit.toLowerCase();
  if (unit === 'kg' || unit === '') return result.value;
  if (unit === 'g') return result.value / 1000;
  if (unit === 'lb' || unit === '[lb_av]' || unit === 'lbs') return result.value * 0.45359237;
  return undefined;
}

export function normalisePatient(resource: Received<R4.Patient & R3.Patient & R2.Patient>): PatientFacts {
  const gender = asString(resource.gender)?.toLowerCase();
  const birthDay = parseDay(resource.birthDate);
  return {
    ...(birthDay !== undefined ? { birthDay } : {}),
    ...(gender === 'female' || gender === 'male' ? { sex: gender } : gender ? { sex: 'other' as const } : {}),
  };
}

const IGNORED_PROCEDURE_STATUS = new Set(['entered-in-error', 'not-done']);

/** One Procedure → ProcedureRecord (R15: entered-in-error / not-done ignored). */
export function normaliseProcedure(
  resource: Received<R4.Procedure & R3.Procedure & R2.Procedure>,
  terminology: Terminology,
  window: DateWindow,
): ProcedureRecord | undefined {
  const status = readStatus(resource.status);
  if ((status && IGNORED_PROCEDURE_STATUS.has(status)) || resource.notPerformed === true) return undefined;
  const day: Day | undefined = parseDay(
    resource.performedDateTime ?? asObject(resource.performedPeriod)?.start,
  );
  const reference = referenceOf(resource);
  // Assignments in a fixed order, not conditional spreads: one shape for thousands of Procedures (as for Conditions).
  const record: ProcedureRecord = {
    display: conceptLabel(resource.code) || 'procedure',
    // Codes first; the joined text is built only for the text fallback.
    augmentation:
      !!terminology.match('vertebral-augmentation', readCodings(resource.code)) ||
      T.AUGMENTATION_TEXT.test(readConcept(resource.code).text),
  };
  if (reference) record.reference = reference;
  if (day !== undefined && day <= window.latest) record.day = day;
  return record;
}
