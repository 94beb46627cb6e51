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
} from './fhir-read.js';
import type { DateWindow } from './medications.js';
import type { LabResult, PatientFacts, ProcedureRecord } from './types.js';
import * as T from '../terminology/text-patterns.js';

const IGNORED_OBSERVATION_STATUS = new Set(['entered-in-error', 'cancelled']);

/** One Observation → LabResult (by LOINC analyte), or undefined (R15: entered-in-error, cancelled, undated, future). */
export function normaliseObservation(
  resource: Json,
  terminology: Terminology,
  window: DateWindow,
): LabResult | undefined {
  const status = readStatus(resource.status);
  if (status && IGNORED_OBSERVATION_STATUS.has(status)) return undefined;
  // Codes first: the display text is read only for the results that are kept.
  const hit = terminology.match('bone-labs', readCodings(resource.code));
  if (!hit) return undefined;
  const day = parseDay(
    resource.effectiveDateTime ??
      asObject(resource.effectivePeriod)?.start ??
      resource.effectiveInstant ??
      resource.issued,
  );
  if (day === undefined || day > window.latest) return undefined;
  const quantity = readQuantity(resource.valueQuantity);
  const range = asObject(asArray(resource.referenceRange)[0]);
  const interpretation: string[] = [];
  if (resource.interpretation !== undefined) {
    for (const i of asArray(resource.interpretation)) {
      const code = readStatus(i)?.toUpperCase();
      if (code) interpretation.push(code);
    }
  }
  // One object shape for every result (absent fields are undefined), no temporary objects.
  return {
    reference: referenceOf(resource),
    analyte: hit.concept.props.analyte ?? 'other',
    code: hit.recordCode,
    day,
    value: quantity?.value,
    unit: quantity?.unit ?? '',
    referenceLow: range ? readQuantity(range.low)?.value : undefined,
    referenceHigh: range ? readQuantity(range.high)?.value : undefined,
    interpretation,
    display: conceptLabel(resource.code) || hit.concept.display,
  };
}

/** Body weight in kg from a weight result (kg, g, lb). */
export function weightInKg(result: LabResult): number | undefined {
  if (result.value === undefined) return undefined;
  const unit = result.unit.toLowerCase();
  if (unit === 'kg' || unit === '') return result.value;
  if (unit === 'g') return result.value / 1000;
  if (unit === 'lb' || unit === '[lb_av]' || unit === 'lbs') return result.value * 0.45359237;
  return undefined;
}

export function normalisePatient(resource: Json): PatientFacts {
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
  resource: Json,
  terminology: Terminology,
  window: DateWindow,
): ProcedureRecord | undefined {
  const status = readStatus(resource.status);
  if ((status && IGNORED_PROCEDURE_STATUS.has(status)) || resource.notPerformed === true) return undefined;
  const day: Day | undefined = parseDay(
    resource.performedDateTime ?? asObject(resource.performedPeriod)?.start,
  );
  const reference = referenceOf(resource);
  return {
    ...(reference ? { reference } : {}),
    display: conceptLabel(resource.code) || 'procedure',
    ...(day !== undefined && day <= window.latest ? { day } : {}),
    // Codes first; the joined text is built only for the text fallback.
    augmentation:
      !!terminology.match('vertebral-augmentation', readCodings(resource.code)) ||
      T.AUGMENTATION_TEXT.test(readConcept(resource.code).text),
  };
}
