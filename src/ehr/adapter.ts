import type { Card, FhirResource } from '../protocol/types.js';
import type { Config } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import { cardCatalogue } from '../cards/render.js';
import { compileTerminology } from '../clinical/terminology/valuesets.js';
import { createOrderKeyIndex } from './order-keys.js';
import { createProfileSelector, type ProfileSelector } from './profile-selection.js';
import type { ResponseProfile } from './profile-names.js';
import { createResponseShaper, type ResponseShaper } from './response-shaper.js';
import { loadSiteMapping, SiteMappingError, type SiteMapping } from './site-mapping.js';
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

export async function createEhrAdapter(config: Config): Promise<EhrAdapter> {
  const orderKeys = createOrderKeyIndex(cardCatalogue.orders);
  let siteMapping: SiteMapping | undefined;
  if (config.ehr.siteMappingPath) {
    const terminology = compileTerminology();
    const concepts = new Set(terminology.concepts().map((c) => `${c.system}|${c.code}`));
    try {
      siteMapping = await loadSiteMapping(config.ehr.siteMappingPath, {
        orderKeys: orderKeys.keys,
        isCatalogueConcept: (system, code) => concepts.has(`${system}|${code}`),
      });
    } catch (err) {
      if (!(err instanceof SiteMappingError)) throw err;
      throw new ConfigError(`Invalid SITE_ORDER_MAPPING file: ${err.message}`);
    }
    for (const key of siteMapping.orderCodings.keys()) {
      if (orderKeys.ambiguous.includes(key)) {
        throw new ConfigError(
          `Invalid SITE_ORDER_MAPPING file: orders.${key}: its catalogue code is shared with another order, so its cards cannot carry site codes`,
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
    profileFor: createProfileSelector(config.security.auth.issuers, config.ehr.defaultProfile),
    shape: shaper,
    ...(siteMapping ? { siteMapping } : {}),
  };
}
