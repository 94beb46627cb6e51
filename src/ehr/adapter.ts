import type { Card, FhirResource } from '../protocol/types.js';
import type { Knowledge } from '../service/knowledge.js';
import { createOrderKeyIndex } from './order-keys.js';
import {
  createProfileSelector,
  type IssuerProfileSettings,
  type ProfileSelector,
} from './profile-selection.js';
import type { ResponseProfile, ResponseProfileName } from './profile-names.js';
import { createResponseShaper, type ResponseShaper } from './response-shaper.js';
import { loadSiteMapping, SiteMappingError, type SiteMapping } from './site-mapping.js';

export { SiteMappingError };
import { createSiteNormaliser, type SiteNormaliser } from './site-normalise.js';

/**
 * Everything EHR-specific, built once at start-up (issue 15): the site mapping's input side (records with local
 * codes and extensions), the response profile of each call and the post-render step for it.
 */
export interface EhrAdapter {
  /** Records completed with what the site mapping knows; the identity when no mapping is configured. */
  normalise(resources: FhirResource[]): FhirResource[];
  profileFor: ProfileSelector;
  shape(cards: Card[], profile: ResponseProfile): Card[];
  readonly siteMapping?: SiteMapping;
}

export interface EhrAdapterOptions {
  /** CDS_RESPONSE_PROFILE. */
  defaultProfile: ResponseProfileName;
  /** SITE_ORDER_MAPPING. */
  siteMappingPath?: string | undefined;
  /** The trusted issuers, whose `profile` / `compactCards` choose each call's profile. */
  issuers: readonly IssuerProfileSettings[];
}

/** Throws a SiteMappingError (one line naming the field) when the site mapping file is unusable. */
export async function createEhrAdapter(
  options: EhrAdapterOptions,
  knowledge: Pick<Knowledge, 'cards' | 'terminology'>,
): Promise<EhrAdapter> {
  const { cards: cardCatalogue, terminology } = knowledge;
  const orderKeys = createOrderKeyIndex(cardCatalogue.orders);
  let siteMapping: SiteMapping | undefined;
  if (options.siteMappingPath) {
    const concepts = new Set(terminology.concepts().map((c) => `${c.system}|${c.code}`));
    siteMapping = await loadSiteMapping(options.siteMappingPath, {
      orderKeys: orderKeys.keys,
      isCatalogueConcept: (system, code) => concepts.has(`${system}|${code}`),
    });
    for (const key of siteMapping.orderCodings.keys()) {
      if (orderKeys.ambiguous.includes(key)) {
        throw new SiteMappingError(
          `orders.${key}: its catalogue code is shared with another order, so its cards cannot carry site codes`,
        );
      }
    }
  }
  const normaliser: SiteNormaliser | undefined = siteMapping ? createSiteNormaliser(siteMapping) : undefined;
  const shaper: ResponseShaper = createResponseShaper({
    meta: cardCatalogue.meta,
    orderKeys,
    ...(siteMapping ? { siteMapping } : {}),
  });
  return {
    normalise: normaliser ?? ((resources) => resources),
    profileFor: createProfileSelector(options.issuers, options.defaultProfile),
    shape: shaper,
    ...(siteMapping ? { siteMapping } : {}),
  };
}
