import type { ResponseProfileName } from '../ehr/profile-names.js';
import type { Algorithm } from './algorithms.js';

/**
 * Trust presets for the EHRs whose CDS client JWTs are documented (issue 15, item 5). A preset only fills in what
 * an issuer entry of CDS_TRUSTED_ISSUERS leaves out; the keys (`jwks_uri` / `jwks`), `iss`, tenants and FHIR
 * servers are always configured by hand, and every other check (none/HS*, unknown jku, replay, aud, exp…) applies
 * unchanged. Sources: /work/shared/cds-hooks/ehr-notes.md and the pages cited per preset.
 */
export interface IssuerPreset {
  /** Algorithms accepted from this issuer (replaces the global list; RS256 only where a preset or entry says so). */
  algorithms: Algorithm[];
  /** Longest accepted `exp − iat` for this issuer. */
  maxLifetimeSeconds?: number;
  /** Response profile for this issuer's calls. */
  profile: ResponseProfileName;
}

export const ISSUER_PRESETS = {
  /**
   * Epic (fhir.epic.com, "CDS Hooks" tutorial, "Trusting CDS Clients"): RS384 by default, `jku` on the EHR, `aud`
   * configured by hand by the health system (use `audiences`), `iss` the organisation's FHIR base, tokens of about
   * 15 minutes.
   */
  epic: { algorithms: ['RS384'], profile: 'epic' },
  /**
   * Oracle Health / Cerner Millennium (github.com/cerner/fhir.cerner.com, content/millennium/cds_hooks.md): `iss`
   * https://cds-hooks.cerner.com, keys behind the JKUs listed at https://authorization.cerner.com/jwk. The signing
   * algorithm is not published; its OpenID Connect keys sign RS256, so RS256 and RS384 are accepted.
   */
  'oracle-health': { algorithms: ['RS256', 'RS384'], profile: 'oracle-health' },
  /**
   * The Da Vinci CRD request generator (github.com/HL7-DaVinci/crd-request-generator, src/util/auth.js): RS256, a
   * JWK-thumbprint `kid`, `exp` = `iat` + 1 day.
   */
  'davinci-crd': { algorithms: ['RS256'], maxLifetimeSeconds: 86_400, profile: 'hl7' },
} as const satisfies Record<string, IssuerPreset>;

export type IssuerPresetName = keyof typeof ISSUER_PRESETS;
export const ISSUER_PRESET_NAMES = Object.keys(ISSUER_PRESETS) as IssuerPresetName[];

/** The longest per-issuer token lifetime configuration accepts (a day: the CRD request generator's tokens). */
export const MAX_ISSUER_LIFETIME_SECONDS = 86_400;
