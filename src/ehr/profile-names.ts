/**
 * What the service sends, per EHR (issue 15): the response profile is chosen per trusted issuer
 * (CDS_TRUSTED_ISSUERS `profile`) with a global default (CDS_RESPONSE_PROFILE). Every profile answers valid
 * CDS Hooks 2.0; a profile only reshapes rendered cards for what an EHR can display and act on.
 *
 * - `hl7`: the specification in full (the cards as rendered).
 * - `epic`: `selectionBehavior: "any"`, one action per suggestion, alphanumeric `source.topic.code`, RxNorm (and
 *   site NDC) codings with OID systems in created medication orders.
 * - `oracle-health`: `hl7`, with non-critical cards compact (Oracle Health shows them in a sidebar about an eighth
 *   of the screen wide; critical cards are pop-ups).
 */
export const RESPONSE_PROFILES = ['hl7', 'epic', 'oracle-health'] as const;
export type ResponseProfileName = (typeof RESPONSE_PROFILES)[number];

/** Which cards are rendered compact: the finding, the date, the action, one source; evidence through links. */
export const COMPACT_CARD_MODES = ['off', 'non-critical', 'all'] as const;
export type CompactCardMode = (typeof COMPACT_CARD_MODES)[number];

export const DEFAULT_COMPACT_CARDS: Record<ResponseProfileName, CompactCardMode> = {
  hl7: 'off',
  epic: 'off',
  'oracle-health': 'non-critical',
};

/** A profile as applied to one response. */
export interface ResponseProfile {
  name: ResponseProfileName;
  compactCards: CompactCardMode;
}
