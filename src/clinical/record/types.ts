import type { Day } from '../dates.js';
import type { AgentMatch, GlucocorticoidMatch } from '../terminology/classify-medication.js';

/** The patient record after normalisation: typed, filtered (R15) and indexed for the rules. */

/**
 * administration / statement / request: the Medication* resources; dispense: a MedicationDispense (decision 18: a
 * dose on the day it was handed over, administration date not recorded); billing: a Procedure or ChargeItem coded
 * with a drug billing code (HCPCS J0897, decision 18).
 */
export type MedicationKind = 'administration' | 'statement' | 'request' | 'dispense' | 'billing';

export interface MedicationRecord {
  reference?: string;
  resourceType: string;
  kind: MedicationKind;
  /** Lower-case status ('' when absent). */
  status: string;
  /** What a clinician reads: the concept text/display. */
  display: string;
  /** Shared between records of the same drug concept (frozen). */
  agent?: Readonly<AgentMatch>;
  glucocorticoid?: Readonly<GlucocorticoidMatch>;
  immunosuppressants: readonly string[];
  /** Dated evidence that a dose was given (R2): administrations, statements with a dose date, dispenses, billing. */
  doseDay?: Day;
  /** Start of the course or the order date (statement period start, request bounds/validity/authoredOn). */
  startDay?: Day;
  /** End of the course when stated and not in the future. */
  endDay?: Day;
  /** dateAsserted (statement) or authoredOn (request). */
  assertedDay?: Day;
  /** meta.lastUpdated as a day. */
  lastUpdatedDay?: Day;
  /** A date of this record lay beyond now + tolerance and was ignored (R15). */
  hadFutureDate: boolean;
  /** Dose per administration in mg when stated. */
  doseMg?: number;
  /** Glucocorticoids: mg/day of the ingredient, when it could be derived. */
  dailyDoseMg?: number;
  /** Currently taken / in force (active request or statement whose end is not past). */
  active: boolean;
  /** Explicit stop (R4): status stopped, or cancelled with a reason, or a statement whose period has ended. */
  explicitStop: boolean;
}

export type FractureKind = 'vertebral' | 'possible' | 'neoplastic';
export type EncounterType = 'initial' | 'subsequent' | 'sequela' | 'unspecified';

export interface VertebralFracture {
  kind: FractureKind;
  encounter: EncounterType;
  /** Vertebral level(s) when the code or text names them, e.g. "L1", "T11-T12". */
  level?: string;
  /** The code that matched, as written in the record (for display). */
  code?: string;
  /** ICD-10-CM code without its 7th character: subsequent encounters of the same stem are the same fracture. */
  stem?: string;
  matchedByText: boolean;
}

export interface CardiovascularEvent {
  event: string;
  /** TIA and similar: other cerebrovascular disease, never the 365-day contraindication (R9). */
  otherCvd: boolean;
  /** History-type concept: its date is the onset only, never recordedDate (R9). */
  historyOnly: boolean;
  matchedByText: boolean;
}

export interface ConditionRecord {
  reference?: string;
  display: string;
  /** 'confirmed' also covers a missing verificationStatus; refuted / entered-in-error never get here. */
  verification: 'confirmed' | 'unconfirmed';
  /** Resolved date (R7: onsetDateTime → onsetPeriod.start → onsetAge → recordedDate) and where it came from. */
  day?: Day;
  dateSource?: 'onset' | 'recorded';
  vertebralFracture?: VertebralFracture;
  cardiovascular?: CardiovascularEvent;
  transplant?: { matchedByText: boolean };
}

export interface LabResult {
  reference?: string;
  analyte: string;
  code: string;
  day: Day;
  /**
   * The number reported (valueQuantity, valueInteger or a number in valueString). Undefined only for a result
   * that carries an interpretation flag instead of a number; a result with neither is not kept (item 4).
   */
  value?: number;
  /** The true value is below / above `value` ("<15", valueQuantity.comparator). */
  comparator?: '<' | '<=' | '>' | '>=';
  unit: string;
  referenceLow?: number;
  referenceHigh?: number;
  /** Interpretation codes in upper case (L, LL, H, HH …). */
  interpretation: string[];
  display: string;
}

export interface ProcedureRecord {
  reference?: string;
  display: string;
  day?: Day;
  augmentation: boolean;
}

export interface PatientFacts {
  birthDay?: Day;
  sex?: 'female' | 'male' | 'other';
  /** Latest body weight in kg. */
  weightKg?: number;
  weightDay?: Day;
}

export interface PatientRecord {
  today: Day;
  patient: PatientFacts;
  medications: MedicationRecord[];
  /** Convenience index: medications by agent (denosumab, zoledronate, …). */
  byAgent: Map<string, MedicationRecord[]>;
  glucocorticoids: MedicationRecord[];
  conditions: ConditionRecord[];
  fractures: ConditionRecord[];
  cardiovascular: ConditionRecord[];
  transplants: ConditionRecord[];
  /** Lab results by analyte, newest first. */
  labs: Map<string, LabResult[]>;
  procedures: ProcedureRecord[];
  /** Medication resources by `Medication/id` (also used to read draft orders' medicationReference). */
  medicationIndex: ReadonlyMap<string, Record<string, unknown>>;
}
