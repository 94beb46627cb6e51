import type { CardCatalogue } from '../cards/loader.js';
import type { RawOverrideReason } from '../protocol/override-reasons.js';
import type { StoredOverrideReason } from './types.js';

/**
 * What is kept of an override reason (issue 11 finding 5: a reason code is a code, never free text such as a name,
 * a date of birth or an MRN):
 * - for a card of the catalogue, only that card's own override-reason codes; a reason given by its display text
 *   (an uncoded reason, or another system's coding with the same label) is mapped to the code;
 * - for a card this process does not know (returned by another replica, before a restart, or not ours): a short
 *   code of a safe character set, and a system without spaces or control characters;
 * - anything else is kept as an uncoded reason (`code: null`): the override is counted, its text is not stored.
 */
const SAFE_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SAFE_SYSTEM = /^[\x21-\x7e]{1,256}$/;

export type OverrideReasonPolicy = (
  catalogueId: string | undefined,
  reasons: readonly RawOverrideReason[],
) => StoredOverrideReason[];

const label = (s: string) => s.trim().toLowerCase();

export function createOverrideReasonPolicy(catalogue: CardCatalogue): OverrideReasonPolicy {
  const ownSystem = catalogue.meta.overrideReasonSystem;
  const codesByDisplay = new Map<string, string>();
  for (const card of catalogue.cards.values())
    for (const r of card.overrideReasons) if (r.display) codesByDisplay.set(label(r.display), r.code);

  return (catalogueId, reasons) => {
    const card = catalogueId === undefined ? undefined : catalogue.cards.get(catalogueId as never);
    const own = card ? new Set(card.overrideReasons.map((r) => r.code)) : undefined;
    const kept: StoredOverrideReason[] = [];
    const seen = new Set<string>();
    const keep = (r: StoredOverrideReason) => {
      const key = `${r.system}\u0000${r.code}`;
      if (seen.has(key)) return;
      seen.add(key);
      kept.push(r);
    };
    for (const reason of reasons) {
      const byText = reason.text !== undefined ? codesByDisplay.get(label(reason.text)) : undefined;
      const ours = reason.system === undefined || reason.system === ownSystem;
      if (own) {
        if (reason.code !== undefined && ours && own.has(reason.code))
          keep({ code: reason.code, system: ownSystem });
        else if (byText !== undefined && own.has(byText)) keep({ code: byText, system: ownSystem });
        else keep({ code: null, system: null });
        continue;
      }
      if (reason.code !== undefined && SAFE_CODE.test(reason.code)) {
        const system = reason.system !== undefined && SAFE_SYSTEM.test(reason.system) ? reason.system : null;
        keep({ code: reason.code, system });
      } else if (byText !== undefined) keep({ code: byText, system: ownSystem });
      else keep({ code: null, system: null });
    }
    return kept;
  };
}

/** The card uuids this process returned lately and their catalogue ids (bounded: the oldest are forgotten). */
export class RecentCards {
  private readonly byUuid = new Map<string, string>();
  constructor(private readonly max = 50_000) {}

  remember(cardUuid: string, catalogueId: string): void {
    this.byUuid.delete(cardUuid);
    this.byUuid.set(cardUuid, catalogueId);
    if (this.byUuid.size > this.max) this.byUuid.delete(this.byUuid.keys().next().value!);
  }

  catalogueIdOf(cardUuid: string): string | undefined {
    return this.byUuid.get(cardUuid);
  }
}
