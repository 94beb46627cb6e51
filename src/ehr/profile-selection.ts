import {
  DEFAULT_COMPACT_CARDS,
  type CompactCardMode,
  type ResponseProfile,
  type ResponseProfileName,
} from './profile-names.js';

/** What the selector reads of a trusted issuer (CDS_TRUSTED_ISSUERS, after its preset is applied). */
export interface IssuerProfileSettings {
  iss: string;
  profile?: ResponseProfileName;
  compactCards?: CompactCardMode;
}

/**
 * The response profile of a call: its verified issuer's `profile` / `compactCards` (CDS_TRUSTED_ISSUERS, or the
 * issuer's trust preset), else CDS_RESPONSE_PROFILE. With authentication off there is no verified issuer, so every
 * call gets the global default.
 */
export type ProfileSelector = (issuer: string | undefined) => ResponseProfile;

export function createProfileSelector(
  issuers: readonly IssuerProfileSettings[],
  defaultProfile: ResponseProfileName,
): ProfileSelector {
  const resolve = (name: ResponseProfileName, compact?: ResponseProfile['compactCards']): ResponseProfile =>
    Object.freeze({ name, compactCards: compact ?? DEFAULT_COMPACT_CARDS[name] });
  const fallback = resolve(defaultProfile);
  const byIssuer = new Map(
    issuers.map((i) => [i.iss, resolve(i.profile ?? defaultProfile, i.compactCards)] as const),
  );
  return (issuer) => (issuer === undefined ? fallback : (byIssuer.get(issuer) ?? fallback));
}
