import type { CardCatalogue } from '../cards/loader.js';
import type { OwnReasonCodes } from './summarize.js';

/** Each catalogue entry's override-reason codes, for summarizeCards. */
export function ownReasonCodesOf(catalogue: CardCatalogue): OwnReasonCodes {
  const byId = new Map<string, ReadonlySet<string>>();
  for (const [id, card] of catalogue.cards) byId.set(id, new Set(card.overrideReasons.map((r) => r.code)));
  return (catalogueId) => byId.get(catalogueId);
}
