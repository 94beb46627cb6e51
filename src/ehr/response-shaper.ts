import type { Card, FhirResource } from '../protocol/types.js';
import type { MetaFile } from '../cards/content-schema.js';
import { compactCard } from './compact-card.js';
import { epicCard } from './epic-profile.js';
import type { OrderKeyIndex } from './order-keys.js';
import type { ResponseProfile } from './profile-names.js';
import type { SiteCoding, SiteMapping } from './site-mapping.js';

/**
 * The post-render step: rendered cards → the cards an EHR receives, per response profile. It never changes what a
 * card says clinically (content stays in cards/); it adds the site's order codes, reshapes suggestions for the
 * EHR (epic) and shortens text for narrow panels (compact). Every output is valid CDS Hooks 2.0 (tests check each
 * profile with the strict schema). Cards are copied, never changed in place: their resources share frozen content.
 */
export type ResponseShaper = (cards: Card[], profile: ResponseProfile) => Card[];

export function createResponseShaper(options: {
  meta: MetaFile;
  orderKeys: OrderKeyIndex;
  siteMapping?: SiteMapping;
}): ResponseShaper {
  const orderCodings = options.siteMapping?.orderCodings;
  const withSiteCodes =
    orderCodings && orderCodings.size > 0
      ? (card: Card) => siteCodes(card, options.orderKeys, orderCodings)
      : undefined;

  return (cards, profile) => {
    if (profile.name === 'hl7' && profile.compactCards === 'off' && !withSiteCodes) return cards;
    return cards.map((rendered) => {
      let card = withSiteCodes ? withSiteCodes(rendered) : rendered;
      const compact =
        profile.compactCards === 'all' ||
        (profile.compactCards === 'non-critical' && card.indicator !== 'critical');
      // Compact first: it reads the suggestion labels the epic profile replaces.
      if (compact) card = compactCard(card, options.meta);
      if (profile.name === 'epic') card = epicCard(card);
      return card;
    });
  };
}

/** The site's codes for each created order, after the catalogue's own coding. */
function siteCodes(
  card: Card,
  orderKeys: OrderKeyIndex,
  orderCodings: ReadonlyMap<string, readonly SiteCoding[]>,
): Card {
  if (!card.suggestions) return card;
  let changed = false;
  const suggestions = card.suggestions.map((s) => {
    if (!s.actions) return s;
    const actions = s.actions.map((a) => {
      if (a.type !== 'create' || !a.resource) return a;
      const key = orderKeys.keyOf(a.resource);
      const codings = key === undefined ? undefined : orderCodings.get(key);
      if (!codings) return a;
      changed = true;
      return { ...a, resource: withCodings(a.resource, codings) };
    });
    return { ...s, actions };
  });
  return changed ? { ...card, suggestions } : card;
}

function withCodings(resource: FhirResource, codings: readonly SiteCoding[]): FhirResource {
  const field = resource.resourceType === 'MedicationRequest' ? 'medicationCodeableConcept' : 'code';
  const concept = (resource[field] ?? {}) as { coding?: SiteCoding[]; text?: string };
  const existing = concept.coding ?? [];
  const added = codings.filter((c) => !existing.some((e) => e.system === c.system && e.code === c.code));
  return { ...resource, [field]: { ...concept, coding: [...existing, ...added] } };
}
