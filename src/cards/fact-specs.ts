import type { CatalogueId, FactsById } from '../clinical/findings.js';

/**
 * How each fact of each catalogue id may be used by a card template. Typed against FactsById so that a fact added
 * or removed by the rules side fails the typecheck here, and the content loader can reject a template that uses a
 * fact the rule never produces (or an optional fact without a guard).
 */
export type FactKind = 'date' | 'number' | 'text' | 'enum' | 'boolean';

/** `summaryLength`: how long a text value may be in a summary (default SUMMARY_VALUE_LENGTH), for short facts. */
export interface FactSpec {
  kind: FactKind;
  optional?: boolean;
  summaryLength?: number;
}

type SpecFor<T> = undefined extends T ? FactSpec & { optional: true } : FactSpec & { optional?: false };

export type FactSpecs = {
  [K in CatalogueId]: { [F in keyof FactsById[K]]-?: SpecFor<FactsById[K][F]> };
};

const date = { kind: 'date' } as const;
const number = { kind: 'number' } as const;
const text = { kind: 'text' } as const;
const enumeration = { kind: 'enum' } as const;
const boolean = { kind: 'boolean' } as const;
const optional = <S extends FactSpec>(spec: S) => ({ ...spec, optional: true }) as const;
/** Short text (units, limits, event names): cut earlier in the summary so the sentence around it fits. */
const shortText = (summaryLength: number) => ({ kind: 'text', summaryLength }) as const;

const FACT_SPECS: FactSpecs = {
  'DMAB-OVERDUE': {
    lastDoseDate: date,
    monthsSinceLastDose: number,
    dueDate: date,
    daysOverdue: number,
    nonMitigatingTherapy: optional(text),
  },
  'DMAB-LAPSE': {
    lastDoseDate: date,
    monthsSinceLastDose: number,
    dueDate: date,
    daysOverdue: number,
    escalatedForPriorFracture: optional(boolean),
    priorFractureDate: optional(date),
    nonMitigatingTherapy: optional(text),
  },
  'DMAB-LONG-GAP': {
    lastDoseDate: date,
    monthsSinceLastDose: number,
    escalatedForPriorFracture: optional(boolean),
    priorFractureDate: optional(date),
  },
  'DMAB-PLANNED-STOP': { lastDoseDate: date, stopDate: optional(date), followOnDueDate: date },
  'DMAB-TRANSITION-MONITOR': {
    lastDoseDate: date,
    plannedOrder: optional(text),
    therapy: text,
    therapyDate: date,
    ctx3moDate: optional(date),
    ctx6moDate: optional(date),
    ctxOnFile: optional(text),
    timingNote: optional(text),
    ctxElevated: optional(boolean),
    therapyKind: enumeration,
  },
  'DMAB-ORALBP-AFTER-LONG': {
    lastDoseDate: date,
    plannedOrder: optional(text),
    denosumabDoseCount: number,
    denosumabYears: number,
    oralBisphosphonate: text,
    oralBisphosphonateStart: date,
    oralBisphosphonateRef: optional(text),
  },
  'DMAB-DATA': {
    reason: enumeration,
    documentedDate: optional(date),
    orderedOn: optional(date),
    assertedOn: optional(date),
    dueIfOsteoporosis: optional(date),
  },
  'VFX-RECENT': {
    fractureDate: date,
    monthsSinceFracture: number,
    fractureDescription: text,
    dateSource: optional(enumeration),
    fragility: boolean,
  },
  'VFX-IMMINENT': {
    fractureDate: date,
    monthsSinceFracture: number,
    fractureDescription: text,
    dateSource: optional(enumeration),
  },
  'RVFX-SUSPECTED': {
    lastDoseDate: date,
    monthsSinceLastDose: number,
    fractureCount: number,
    firstFractureDate: date,
    fractureSummary: text,
    multiple: boolean,
    romosozumabOnly: optional(boolean),
  },
  'ORDER-AUGMENT-RVFX': { orderName: text, lastDoseDate: date, fractureCount: number, fractureSummary: text },
  'ORDER-ROMO-CV': {
    orderName: shortText(30),
    eventType: shortText(30),
    eventDate: date,
    monthsSinceEvent: number,
    alreadyRunning: boolean,
  },
  'ORDER-ROMO-CV-OLD': {
    orderName: shortText(30),
    eventType: shortText(30),
    eventDate: optional(date),
    monthsSinceEvent: optional(number),
    euContraindicated: boolean,
  },
  'ORDER-ROMO-12': { orderName: text, priorDoseCount: number, firstDoseDate: optional(date) },
  'ORDER-PTH-AFTER-DMAB': {
    orderName: text,
    lastDoseDate: date,
    monthsSinceLastDose: number,
    withRebound: boolean,
  },
  'ORDER-PTH-24MO': { orderName: text, cumulativeMonths: number, firstDoseDate: date, drug: enumeration },
  'ORDER-ZOL-RENAL': {
    orderName: text,
    measure: enumeration,
    value: number,
    unit: shortText(16),
    resultDate: date,
    crclNote: optional(text),
  },
  'ORDER-DMAB-CA': {
    orderName: text,
    calcium: number,
    unit: shortText(16),
    resultDate: date,
    lowLimit: shortText(16),
    lowLimitSource: text,
  },
  'ORDER-DMAB-CKD': { orderName: text, egfr: number, resultDate: date },
  'ORDER-DMAB-DUPLICATE': {
    orderName: text,
    orderRegimen: text,
    otherTherapy: text,
    otherRegimen: text,
    otherEvidence: text,
  },
  'ORDER-LABS': { orderName: text, missingLabs: text, windowMonths: number },
  GIOP: { glucocorticoid: text, prednisoneEquivalentMgPerDay: number, since: date, days: number },
  'IMMUNOSUPP-DMAB': {
    orderName: text,
    immunosuppressants: optional(text),
    transplant: optional(shortText(30)),
    newStart: boolean,
  },
  'ONC-DMAB-STOP': { lastDoseDate: date, monthsSinceLastDose: number },
  'ORDER-CHECK-INCOMPLETE': {
    ordersReceived: number,
    ordersChecked: number,
    ordersNotChecked: optional(number),
    cardsNotShown: optional(number),
  },
};

/** The fact every finding carries (CommonFacts). */
const COMMON_FACT_SPECS: Record<string, FactSpec> = {
  today: date,
  safetyCalciumLow: optional(text),
  safetyZoledronateRenal: optional(text),
  safetyDenosumabCkd: optional(text),
  zoledronateLabsFirst: optional(text),
  zoledronateLabOrders: optional(text),
  zoledronateVitaminDLow: optional(text),
  labelJurisdiction: optional(enumeration),
};

/** Facts (with their specs) a template for this id may use. */
export function factSpecsFor(id: CatalogueId): Record<string, FactSpec> {
  return { ...COMMON_FACT_SPECS, ...(FACT_SPECS[id] as Record<string, FactSpec>) };
}
