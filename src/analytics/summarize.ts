import type { AnalyticsFacts, StoredOverrideReason, TimeWindow } from '../store/types.js';
import type { CardAnalytics, CardGroupSummary, OverrideReasonCount } from './response-schema.js';

interface Accumulator {
  catalogueId: string | null;
  indicator: string;
  shown: number;
  accepted: Set<string>;
  overridden: Set<string>;
  reasons: Map<string, OverrideReasonCount>;
  secondsToFeedback: number[];
}

/**
 * The override-reason codes of each catalogue entry (from cards/): a reason of a known card is shown only when it is
 * one of that card's codes. Undefined for a catalogue id that is not in the catalogue (its codes passed the
 * safe-character check when stored).
 */
export type OwnReasonCodes = (catalogueId: string) => ReadonlySet<string> | undefined;

/** Per catalogue id and indicator: the figures a CDS governance committee reviews. Pure, the same for both backends. */
export function summarizeCards(
  facts: AnalyticsFacts,
  window: TimeWindow,
  ownReasonCodes: OwnReasonCodes = () => undefined,
): CardAnalytics {
  const ownReason = (catalogueId: string | null, r: StoredOverrideReason): StoredOverrideReason => {
    const own = catalogueId === null ? undefined : ownReasonCodes(catalogueId);
    return own && (r.code === null || !own.has(r.code)) ? { code: null, system: null } : r;
  };
  const groups = new Map<string, Accumulator>();
  const groupFor = (catalogueId: string | null, indicator: string) => {
    const key = JSON.stringify([catalogueId, indicator]);
    let group = groups.get(key);
    if (!group) {
      group = {
        catalogueId,
        indicator,
        shown: 0,
        accepted: new Set(),
        overridden: new Set(),
        reasons: new Map(),
        secondsToFeedback: [],
      };
      groups.set(key, group);
    }
    return group;
  };

  for (const row of facts.shown) groupFor(row.catalogueId, row.indicator).shown += row.shown;
  for (const fact of facts.feedback) {
    const group = groupFor(fact.catalogueId, fact.indicator);
    group.secondsToFeedback.push((fact.outcomeAt.getTime() - fact.shownAt.getTime()) / 1000);
    if (fact.outcome === 'accepted') {
      group.accepted.add(fact.cardUuid);
      continue;
    }
    group.overridden.add(fact.cardUuid);
    // Every reason of the item counts; none at all is counted as "no reason". A code that is not the card's
    // own (stored before the card was known) is shown as uncoded, never as the text a client put there.
    const reasons = fact.overrideReasons.length > 0 ? fact.overrideReasons : [{ code: null, system: null }];
    for (const stored of reasons) {
      const shown = ownReason(fact.catalogueId, stored);
      const reasonKey = JSON.stringify([shown.system, shown.code]);
      const reason = group.reasons.get(reasonKey) ?? { ...shown, count: 0 };
      reason.count++;
      group.reasons.set(reasonKey, reason);
    }
  }

  const summaries = [...groups.values()].map((g): CardGroupSummary => ({
    catalogueId: g.catalogueId,
    indicator: g.indicator,
    shown: g.shown,
    accepted: g.accepted.size,
    overridden: g.overridden.size,
    acceptanceRate: g.shown > 0 ? round(g.accepted.size / g.shown, 4) : null,
    overrideReasons: [...g.reasons.values()].sort(
      (a, b) => b.count - a.count || String(a.code).localeCompare(String(b.code)),
    ),
    medianSecondsToFeedback: median(g.secondsToFeedback),
  }));
  summaries.sort(
    (a, b) =>
      String(a.catalogueId).localeCompare(String(b.catalogueId)) || a.indicator.localeCompare(b.indicator),
  );
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    groups: summaries,
    unattributedFeedback: facts.unattributedFeedback,
  };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return round(value, 3);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
