import type { Indicator } from '../protocol/types.js';

/**
 * The contract between the rules (src/clinical/rules) and the card renderer (src/cards): a rule produces
 * Findings; the renderer turns each Finding into one CDS card using the content file cards/<id>.json.
 *
 * Dates in facts are ISO calendar dates (YYYY-MM-DD). Numbers are already rounded for display. A card template
 * may use only the facts listed for its id here (plus the common ones), so both sides can be checked.
 */

/**
 * The card catalogue of knowledge.md R16 (and the later decisions), plus the service's own notice: exactly these
 * ids, used verbatim as source.topic.code.
 */
export const CATALOGUE_IDS = [
  'DMAB-OVERDUE',
  'DMAB-LAPSE',
  'DMAB-LONG-GAP',
  'DMAB-PLANNED-STOP',
  'DMAB-TRANSITION-MONITOR',
  'DMAB-ORALBP-AFTER-LONG',
  'DMAB-DATA',
  'VFX-RECENT',
  'VFX-IMMINENT',
  'RVFX-SUSPECTED',
  'ORDER-AUGMENT-RVFX',
  'ORDER-ROMO-CV',
  'ORDER-ROMO-CV-OLD',
  'ORDER-ROMO-12',
  'ORDER-PTH-AFTER-DMAB',
  'ORDER-PTH-24MO',
  'ORDER-ZOL-RENAL',
  'ORDER-DMAB-CA',
  'ORDER-DMAB-CKD',
  'ORDER-DMAB-DUPLICATE',
  'ORDER-LABS',
  'GIOP',
  'IMMUNOSUPP-DMAB',
  'ONC-DMAB-STOP',
  // Issue 11 finding 7: not a clinical rule; the service layer adds it when MAX_DRAFT_ORDERS or MAX_CARDS cut a response.
  'ORDER-CHECK-INCOMPLETE',
] as const;

export type CatalogueId = (typeof CATALOGUE_IDS)[number];

/**
 * Cards the service layer adds about the response itself, not a clinical rule: no demo patient shows them (it takes
 * more draft orders than MAX_DRAFT_ORDERS); test/service/response-bounds.test.ts does, over HTTP.
 */
export const SERVICE_NOTICE_IDS: readonly CatalogueId[] = ['ORDER-CHECK-INCOMPLETE'];

/** One piece of evidence behind a finding: which record, which date, in words a clinician reads. */
export interface Evidence {
  /** `Type/id` of the FHIR resource (when it has an id). */
  reference?: string;
  resourceType: string;
  /** The clinically relevant date of this record (dose date, onset, result date), YYYY-MM-DD. */
  date?: string;
  /** e.g. "Prolia 60 mg SC administered", "Vertebral fracture L1 (M80.08XA)", "eGFR 28 mL/min/1.73m2". */
  description: string;
  /** True when this record was recognised by free text only (no coded match): the card asks to verify coding. */
  matchedByText?: boolean;
}

/** Facts every finding may carry. */
export interface CommonFacts {
  /** The evaluation date (the injected clock), YYYY-MM-DD. */
  today: string;
  /**
   * R14 contraindications on file, set on every finding so that no card suggests a drug the same response warns
   * against (src/cards/suggestions.ts drops or caveats such suggestions): the low calcium result (decision 7) …
   */
  safetyCalciumLow?: string;
  /** … the CrCl / eGFR below zoledronateMinClearance (zoledronic acid contraindicated) … */
  safetyZoledronateRenal?: string;
  /** … and the eGFR below denosumabCkdEgfr (denosumab: evaluate CKD-MBD first). */
  safetyDenosumabCkd?: string;
  /**
   * Decision 20: the labs missing or older than zoledronateLabsMaxAgeDays before zoledronic acid may be offered, in
   * words ("creatinine clearance (no creatinine or eGFR within 30 days), calcium (none within 30 days)") …
   */
  zoledronateLabsFirst?: string;
  /** … and the lab orders (keys of cards/_orders.json, comma-separated) that fill the gap. */
  zoledronateLabOrders?: string;
  /** Decision 20: a deficient 25-OH vitamin D result on file ("25-OH vitamin D 12 ng/mL on 2025-06-01"). */
  zoledronateVitaminDLow?: string;
  /** Decision 21: the labelling the label-based statements follow (LABEL_JURISDICTION). */
  labelJurisdiction?: 'us' | 'eu';
}

/** Facts per catalogue id: what the card templates may interpolate as {{name}}. Optional facts may be absent. */
export interface FactsById {
  'DMAB-OVERDUE': {
    lastDoseDate: string;
    monthsSinceLastDose: number;
    dueDate: string;
    daysOverdue: number;
    nonMitigatingTherapy?: string;
  };
  'DMAB-LAPSE': {
    lastDoseDate: string;
    monthsSinceLastDose: number;
    dueDate: string;
    daysOverdue: number;
    escalatedForPriorFracture?: boolean;
    priorFractureDate?: string;
    nonMitigatingTherapy?: string;
  };
  'DMAB-LONG-GAP': {
    lastDoseDate: string;
    monthsSinceLastDose: number;
    escalatedForPriorFracture?: boolean;
    priorFractureDate?: string;
  };
  'DMAB-PLANNED-STOP': { lastDoseDate: string; stopDate?: string; followOnDueDate: string };
  'DMAB-TRANSITION-MONITOR': {
    lastDoseDate: string;
    /** Decision 16: the follow-on therapy is the order being placed in this session (its name). */
    plannedOrder?: string;
    therapy: string;
    therapyDate: string;
    ctx3moDate?: string;
    ctx6moDate?: string;
    ctxOnFile?: string;
    timingNote?: string;
    ctxElevated?: boolean;
    /** An infusion (zoledronic acid) or an oral bisphosphonate: the CTX timing is counted from it. */
    therapyKind: 'infusion' | 'oral' | 'injection';
  };
  'DMAB-ORALBP-AFTER-LONG': {
    lastDoseDate: string;
    /** Decision 16: the oral bisphosphonate is the order being placed in this session (its name). */
    plannedOrder?: string;
    denosumabDoseCount: number;
    denosumabYears: number;
    oralBisphosphonate: string;
    oralBisphosphonateStart: string;
    /** Decision 20: the active oral bisphosphonate order (`MedicationRequest/id`), stopped with the zoledronic acid. */
    oralBisphosphonateRef?: string;
  };
  'DMAB-DATA': {
    reason: 'no-dose-date' | 'order-only' | 'regimen-unknown' | 'future-date';
    documentedDate?: string;
    /** order-only: the newest order date; no-dose-date: the newest asserted date (summaries state fact + date). */
    orderedOn?: string;
    assertedOn?: string;
    /** regimen-unknown: when the next dose would be due if it is the 6-monthly osteoporosis regimen (R1d). */
    dueIfOsteoporosis?: string;
  };
  'VFX-RECENT': {
    fractureDate: string;
    monthsSinceFracture: number;
    fractureDescription: string;
    dateSource?: 'onset' | 'recorded';
    /** Decision 25: an osteoporotic (M80) code or text saying low trauma; other codes get conditional wording. */
    fragility: boolean;
  };
  'VFX-IMMINENT': {
    fractureDate: string;
    monthsSinceFracture: number;
    fractureDescription: string;
    dateSource?: 'onset' | 'recorded';
  };
  'RVFX-SUSPECTED': {
    lastDoseDate: string;
    monthsSinceLastDose: number;
    fractureCount: number;
    firstFractureDate: string;
    fractureSummary: string;
    multiple: boolean;
    romosozumabOnly?: boolean;
  };
  'ORDER-AUGMENT-RVFX': {
    orderName: string;
    lastDoseDate: string;
    fractureCount: number;
    fractureSummary: string;
  };
  'ORDER-ROMO-CV': {
    orderName: string;
    eventType: string;
    eventDate: string;
    monthsSinceEvent: number;
    /** Romosozumab already given before this order: the label says discontinue, not "do not start". */
    alreadyRunning: boolean;
  };
  'ORDER-ROMO-CV-OLD': {
    orderName: string;
    eventType: string;
    eventDate?: string;
    monthsSinceEvent?: number;
    /** Decision 21: EU labelling contraindicates romosozumab after any MI or stroke (the card is then critical). */
    euContraindicated: boolean;
  };
  'ORDER-ROMO-12': { orderName: string; priorDoseCount: number; firstDoseDate?: string };
  'ORDER-PTH-AFTER-DMAB': {
    orderName: string;
    lastDoseDate: string;
    monthsSinceLastDose: number;
    withRebound: boolean;
  };
  'ORDER-PTH-24MO': {
    orderName: string;
    cumulativeMonths: number;
    firstDoseDate: string;
    /** Decision 23: the drug being ordered decides which label statement applies. */
    drug: 'teriparatide' | 'abaloparatide';
  };
  'ORDER-ZOL-RENAL': {
    orderName: string;
    measure: 'CrCl' | 'eGFR' | 'calcium';
    value: number;
    unit: string;
    resultDate: string;
    crclNote?: string;
  };
  'ORDER-DMAB-CA': {
    orderName: string;
    calcium: number;
    unit: string;
    resultDate: string;
    /** The limit as value and unit ("8.5 mg/dL") or the interpretation code ("L") … */
    lowLimit: string;
    /** … and where it came from ("lab reference range", "default lower limit", "interpretation"). */
    lowLimitSource: string;
  };
  'ORDER-DMAB-CKD': { orderName: string; egfr: number; resultDate: string };
  'ORDER-DMAB-DUPLICATE': {
    orderName: string;
    orderRegimen: string;
    otherTherapy: string;
    otherRegimen: string;
    /** "active order" / "last dose on 2025-05-20 (within its dosing interval)". */
    otherEvidence: string;
  };
  'ORDER-LABS': { orderName: string; missingLabs: string; windowMonths: number };
  GIOP: { glucocorticoid: string; prednisoneEquivalentMgPerDay: number; since: string; days: number };
  'IMMUNOSUPP-DMAB': {
    orderName: string;
    immunosuppressants?: string;
    transplant?: string;
    /** Decision 24: no denosumab dose on file (an alternative agent is offered only for a new start). */
    newStart: boolean;
  };
  'ONC-DMAB-STOP': { lastDoseDate: string; monthsSinceLastDose: number };
  'ORDER-CHECK-INCOMPLETE': {
    /** MAX_DRAFT_ORDERS: the draft orders of the request, how many were checked and how many were not (if any) … */
    ordersReceived: number;
    ordersChecked: number;
    ordersNotChecked?: number;
    /** … and MAX_CARDS: the cards left out (the most severe were kept). */
    cardsNotShown?: number;
  };
}

export type Finding = {
  [K in CatalogueId]: {
    id: K;
    /** Final indicator after escalation and the text-match cap (decision 5). */
    indicator: Indicator;
    facts: FactsById[K] & CommonFacts;
    evidence: Evidence[];
    /** True when the finding rests on a record matched by free text only (card says: verify the coding). */
    matchedByTextOnly?: boolean;
    /** Order cards: the draft order this card is about (`Type/id`), used for a `delete` suggestion. */
    draftOrderRef?: string;
    /** Extra sentences for the detail (e.g. "Raloxifene found: not considered mitigating"). */
    notes?: string[];
  };
}[CatalogueId];
