import type { Indicator } from '../../protocol/types.js';
import type { ClinicalThresholds, LabelJurisdiction } from '../../config/clinical.js';
import { formatDay, type Day } from '../dates.js';
import type { CatalogueId, Evidence, FactsById, Finding } from '../findings.js';
import type { PatientRecord } from '../record/types.js';

/** What every rule receives: the normalised record, today (from the injected clock) and the thresholds. */
export interface RuleContext {
  record: PatientRecord;
  today: Day;
  thresholds: ClinicalThresholds;
  /** Decision 21: labelling followed by the label-based rules (default us). */
  labelJurisdiction?: LabelJurisdiction;
}

const RANK: Record<Indicator, number> = { info: 0, warning: 1, critical: 2 };

export const maxIndicator = (a: Indicator, b: Indicator): Indicator => (RANK[a] >= RANK[b] ? a : b);
const minIndicator = (a: Indicator, b: Indicator): Indicator => (RANK[a] <= RANK[b] ? a : b);
export const indicatorRank = (i: Indicator) => RANK[i];

/** Decision 5: a finding resting on a text-only match is never above warning. */
export const capForText = (indicator: Indicator, textOnly: boolean): Indicator =>
  textOnly ? minIndicator(indicator, 'warning') : indicator;

export interface FindingExtras {
  matchedByTextOnly?: boolean;
  draftOrderRef?: string;
  notes?: string[];
}

/** Build a Finding with the common `today` fact; empty notes and false flags are left out. */
export function makeFinding<K extends CatalogueId>(
  id: K,
  indicator: Indicator,
  facts: FactsById[K],
  evidence: Evidence[],
  today: Day,
  extras: FindingExtras = {},
): Finding {
  const finding = {
    id,
    indicator,
    facts: { ...facts, today: formatDay(today) },
    evidence,
    ...(extras.matchedByTextOnly ? { matchedByTextOnly: true } : {}),
    ...(extras.draftOrderRef ? { draftOrderRef: extras.draftOrderRef } : {}),
    ...(extras.notes && extras.notes.length > 0 ? { notes: extras.notes } : {}),
  };
  return finding as unknown as Finding;
}

export function evidenceOf(
  resourceType: string,
  description: string,
  options: { reference?: string | undefined; day?: Day | undefined; matchedByText?: boolean } = {},
): Evidence {
  // Fields added in one fixed order rather than by conditional spreads: a chart can carry thousands of records
  // (issue 11), and objects of one shape keep V8 on its fast path.
  const evidence: Evidence = { resourceType, description };
  if (options.reference) evidence.reference = options.reference;
  if (options.day !== undefined) evidence.date = formatDay(options.day);
  if (options.matchedByText) evidence.matchedByText = true;
  return evidence;
}

/** Round for display: one decimal, trailing .0 dropped. */
export const round1 = (n: number) => Math.round(n * 10) / 10;
