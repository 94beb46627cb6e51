import type * as R2 from 'fhir/r2.js';
import type * as R3 from 'fhir/r3.js';
import type * as R4 from 'fhir/r4.js';
import type { Day } from '../dates.js';
import { parseDay } from '../dates.js';
import {
  classifyAgent,
  classifyGlucocorticoid,
  immunosuppressantIngredients,
  type AgentMatch,
  type GlucocorticoidMatch,
} from '../terminology/classify-medication.js';
import type { Terminology } from '../terminology/valuesets.js';
import { asArray, asObject, readStatus, referenceOf, type Received } from './fhir-read.js';
import type { Concept } from './fhir-read.js';
import {
  administrationsPerDay,
  doseMilligrams,
  doseQuantity,
  medicationConcept,
  timingBounds,
  type MedicationIndex,
} from './medication-concept.js';
import type { MedicationKind, MedicationRecord } from './types.js';

export interface DateWindow {
  today: Day;
  /** Latest acceptable date: today + tolerance (R15). */
  latest: Day;
}

const KIND_BY_TYPE: Record<string, MedicationKind> = {
  MedicationAdministration: 'administration',
  MedicationStatement: 'statement',
  MedicationRequest: 'request',
  MedicationOrder: 'request',
  MedicationDispense: 'dispense',
};

/** R4 MedicationDispense.status: only a completed (or unstated) dispense documents a product handed over. */
const DISPENSED_STATUS = new Set(['', 'completed']);

/** A date, unless it lies beyond now + tolerance (then ignored and flagged, R15). */
export function acceptDay(
  value: unknown,
  window: DateWindow,
  state: { hadFutureDate: boolean },
): Day | undefined {
  const day = parseDay(value);
  if (day !== undefined && day > window.latest) {
    state.hadFutureDate = true;
    return undefined;
  }
  return day;
}

/** What the rules need to know about a drug concept: shared between records, so frozen. */
export interface MedicationClassification {
  readonly agent: Readonly<AgentMatch> | undefined;
  readonly glucocorticoid: Readonly<GlucocorticoidMatch> | undefined;
  readonly immunosuppressants: readonly string[];
}

/** Classifies a drug concept (with the dose in mg, which can decide the denosumab/zoledronate regimen). */
export type MedicationClassifier = (concept: Concept, doseMg: number | undefined) => MedicationClassification;

export function classify(
  terminology: Terminology,
  concept: Concept,
  doseMg: number | undefined,
): MedicationClassification {
  const agent = classifyAgent(terminology, doseMg !== undefined ? { ...concept, doseMg } : concept);
  const glucocorticoid = classifyGlucocorticoid(terminology, concept);
  const immunosuppressants = immunosuppressantIngredients(concept);
  return Object.freeze({
    agent: agent && Object.freeze(agent),
    glucocorticoid: glucocorticoid && Object.freeze(glucocorticoid),
    immunosuppressants: Object.freeze(immunosuppressants),
  });
}

/**
 * A classifier that remembers the classification of each distinct concept: a long chart repeats the same few
 * drugs thousands of times. One per engine (it belongs to that engine's terminology), bounded: cleared when full.
 * The classification depends only on the concept text, the codings' system and code, and the dose.
 */
export function createMedicationClassifier(
  terminology: Terminology,
  maxEntries = 10_000,
): MedicationClassifier {
  const cache = new Map<string, MedicationClassification>();
  return (concept, doseMg) => {
    let key = doseMg === undefined ? 'u' : `d${doseMg}`;
    for (const coding of concept.codings) {
      key += typeof coding.system === 'string' ? `\u0000s${coding.system}` : '\u0000u';
      key += typeof coding.code === 'string' ? `\u0001${coding.code}` : '\u0002';
    }
    key += `\u0003${concept.text}`;
    let result = cache.get(key);
    if (result === undefined) {
      result = classify(terminology, concept, doseMg);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, result);
    }
    return result;
  };
}

export const isMedicationType = (type: string) => type in KIND_BY_TYPE;

/**
 * One medication resource → MedicationRecord, or undefined when it must be ignored (R15: entered-in-error;
 * not-done administrations; not-taken statements, and intended ones carry no dose date).
 */
export function normaliseMedication(
  resource: Received<
    R4.MedicationStatement &
      R4.MedicationAdministration &
      R4.MedicationRequest &
      R4.MedicationDispense &
      R3.MedicationStatement &
      R2.MedicationStatement &
      R2.MedicationOrder &
      R2.MedicationAdministration
  >,
  terminology: Terminology,
  medications: MedicationIndex,
  window: DateWindow,
  classifier?: MedicationClassifier,
): MedicationRecord | undefined {
  const resourceType = String(resource.resourceType);
  const kind = KIND_BY_TYPE[resourceType];
  if (!kind) return undefined;
  const status = readStatus(resource.status) ?? '';
  if (status === 'entered-in-error') return undefined;
  if (kind === 'administration' && status === 'not-done') return undefined;
  // STU3 MedicationStatement.taken = n (not taken); R4 status not-taken; also wasNotTaken / notGiven (DSTU2).
  if (
    kind === 'statement' &&
    (status === 'not-taken' || resource.taken === 'n' || resource.wasNotTaken === true)
  )
    return undefined;
  if (kind === 'administration' && (resource.notGiven === true || resource.wasNotGiven === true))
    return undefined;
  if (kind === 'dispense' && !DISPENSED_STATUS.has(status)) return undefined;

  const concept = medicationConcept(resource, medications);
  const doseMg = doseMilligrams(resource);
  const { agent, glucocorticoid, immunosuppressants } = classifier
    ? classifier(concept, doseMg)
    : classify(terminology, concept, doseMg);
  // Medications no rule reads (the vast majority of a chart) are dropped here, before any date work.
  if (!agent && !glucocorticoid && immunosuppressants.length === 0) return undefined;
  const dose = doseQuantity(resource);

  const state = { hadFutureDate: false };
  const dated = (value: unknown) => acceptDay(value, window, state);

  const period = asObject(resource.effectivePeriod);
  let doseDay: Day | undefined;
  let startDay: Day | undefined;
  let endDay: Day | undefined;
  let assertedDay: Day | undefined;
  if (kind === 'administration') {
    // R2.1: completed or in-progress (a missing status is read as completed: an administration record documents a dose).
    const given = status === '' || status === 'completed' || status === 'in-progress';
    const day = dated(
      resource.effectiveDateTime ??
        period?.start ??
        resource.effectiveTimeDateTime ??
        asObject(resource.effectiveTimePeriod)?.start,
    );
    if (given) doseDay = day;
    startDay = day;
  } else if (kind === 'dispense') {
    // Decision 18: a dispensed product counts as a dose on whenHandedOver, else whenPrepared.
    const day = dated(resource.whenHandedOver) ?? dated(resource.whenPrepared);
    doseDay = day;
    startDay = day;
  } else if (kind === 'statement') {
    const effective = dated(resource.effectiveDateTime);
    const periodEnd = dated(period?.end);
    startDay = dated(period?.start) ?? effective;
    endDay = periodEnd;
    assertedDay = dated(resource.dateAsserted);
    // R2.2: effectiveDateTime, or effectivePeriod.end (last dose of a course); the start alone only proves therapy
    // started. An `intended` statement documents no dose.
    if (status !== 'intended') doseDay = effective ?? periodEnd;
  } else {
    const bounds = timingBounds(resource);
    const validity = asObject(asObject(resource.dispenseRequest)?.validityPeriod);
    assertedDay = dated(resource.authoredOn ?? resource.dateWritten);
    startDay = dated(bounds.start) ?? dated(validity?.start) ?? assertedDay;
    endDay = dated(bounds.end) ?? dated(validity?.end);
  }
  const lastUpdatedDay = dated(asObject(resource.meta)?.lastUpdated);

  const ended = endDay !== undefined && endDay < window.today;
  const active =
    kind === 'request'
      ? status === 'active' && !ended
      : kind === 'statement'
        ? status === 'active' && !ended
        : false;
  const hasStopReason = asArray(resource.statusReason).length > 0 || resource.statusReason !== undefined;
  const explicitStop =
    status === 'stopped' ||
    (status === 'cancelled' && hasStopReason) ||
    // A course statement (period spanning more than one day) that has ended; a one-day period is one injection.
    (kind === 'statement' &&
      status !== 'active' &&
      status !== 'intended' &&
      ended &&
      startDay !== undefined &&
      endDay! > startDay);

  let dailyDoseMg: number | undefined;
  if (glucocorticoid) {
    const perDay = administrationsPerDay(resource) ?? 1;
    const perAdministrationMg =
      doseMg ??
      (glucocorticoid.strengthMg !== undefined
        ? (dose ? dose.value : 1) * glucocorticoid.strengthMg
        : undefined);
    if (perAdministrationMg !== undefined) dailyDoseMg = perAdministrationMg * perDay;
  }

  return {
    reference: referenceOf(resource),
    resourceType,
    kind,
    status,
    display: concept.text.split(' | ')[0] || agent?.display || 'medication',
    agent,
    glucocorticoid,
    immunosuppressants,
    doseDay,
    startDay,
    endDay,
    assertedDay,
    lastUpdatedDay,
    hadFutureDate: state.hadFutureDate,
    doseMg,
    dailyDoseMg,
    active,
    explicitStop,
  };
}

export const describeAgentRecord = (m: MedicationRecord): string => {
  const verb =
    m.kind === 'administration'
      ? 'administered'
      : m.kind === 'dispense'
        ? 'dispensed; administration date not recorded'
        : m.kind === 'billing'
          ? 'billed; administration date taken from the claim'
          : m.kind === 'statement'
            ? `statement (${m.status || 'no status'})`
            : `ordered (${m.status || 'no status'})`;
  return `${m.display} ${verb}`;
};
