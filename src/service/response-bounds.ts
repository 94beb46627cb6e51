import type { Finding } from '../clinical/findings.js';
import { externalMedicationKey } from '../clinical/record/medication-references.js';
import { referenceKey, referenceOf } from '../clinical/record/fhir-read.js';
import { indicatorRank } from '../clinical/rules/common.js';
import type { FhirResource } from '../protocol/types.js';

/**
 * Issue 11 finding 7: what one call may cost. 2,000 draft orders gave 1,000 cards and a 4.7 MB response; now at
 * most MAX_DRAFT_ORDERS drafts are read and MAX_CARDS cards returned, and the ORDER-CHECK-INCOMPLETE card tells
 * the clinician what was left out.
 */
export interface ResponseBounds {
  /** Draft orders (Medication entries of the draft Bundle not counted) checked per request. */
  maxDraftOrders: number;
  /** Cards per response, the notice card included. */
  maxCards: number;
}

/** The defaults of MAX_DRAFT_ORDERS and MAX_CARDS (src/config/core.ts). */
export const DEFAULT_RESPONSE_BOUNDS: ResponseBounds = { maxDraftOrders: 200, maxCards: 25 };

export interface DraftOrderSelection {
  /** The draft orders to check, in the order received, with the Medication entries they refer to. */
  drafts: FhirResource[];
  /** Draft orders in the request … */
  received: number;
  /** … and how many of them are in `drafts`. */
  checked: number;
}

const isOrder = (resource: FhirResource) => resource.resourceType !== 'Medication';

/**
 * At most `max` draft orders: on order-select the selected ones first (the orders the clinician is acting on),
 * then the others in the order the EHR sent them. The others still matter (a planned antiresorptive among them
 * changes R10 and decision 16), so they fill the remaining room. Medication entries stay when a kept order
 * refers to them; the rest are dropped with their orders.
 */
export function selectDraftOrders(
  drafts: FhirResource[],
  selections: readonly string[] | undefined,
  max: number,
): DraftOrderSelection {
  let received = 0;
  for (const draft of drafts) if (isOrder(draft)) received++;
  if (received <= max) return { drafts, received, checked: received };

  const keep = new Set<FhirResource>();
  const selected = new Set((selections ?? []).map((s) => referenceKey(s) ?? s));
  if (selected.size > 0) {
    for (const draft of drafts) {
      if (keep.size >= max) break;
      const ref = isOrder(draft) ? referenceOf(draft) : undefined;
      if (ref !== undefined && selected.has(ref)) keep.add(draft);
    }
  }
  for (const draft of drafts) {
    if (keep.size >= max) break;
    if (isOrder(draft)) keep.add(draft);
  }
  const medications = new Set<string>();
  for (const order of keep) {
    const key = externalMedicationKey(order);
    if (key !== undefined) medications.add(key);
  }
  const kept = drafts.filter((draft) =>
    isOrder(draft)
      ? keep.has(draft)
      : typeof draft.id === 'string' && medications.has(`Medication/${draft.id}`),
  );
  return { drafts: kept, received, checked: keep.size };
}

/**
 * At most `max` findings, the most severe kept (critical, then warning, then info; the rules' order within a
 * level). Findings are capped before rendering so that the cards left out cost nothing.
 */
export function mostSevereFindings(findings: Finding[], max: number): Finding[] {
  if (findings.length <= max) return findings;
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) => indicatorRank(b.finding.indicator) - indicatorRank(a.finding.indicator) || a.index - b.index,
    )
    .slice(0, max)
    .map((entry) => entry.finding);
}

/** What the bounds left out of one response (for the log line and the notice card). */
export interface ResponseBounded {
  draftOrdersReceived: number;
  draftOrdersChecked: number;
  /** Findings before MAX_CARDS … */
  cardsFound: number;
  /** … and the cards returned (the notice included). */
  cardsReturned: number;
}
