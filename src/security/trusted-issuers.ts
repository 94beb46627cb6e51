import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  isConfigurableAlgorithm,
  isNoneAlgorithm,
  isSymmetricAlgorithm,
  type Algorithm,
} from './algorithms.js';
import { configuredAudienceKey } from '../protocol/urls.js';
import {
  ISSUER_PRESETS,
  ISSUER_PRESET_NAMES,
  MAX_ISSUER_LIFETIME_SECONDS,
  type IssuerPresetName,
} from './issuer-presets.js';
import {
  COMPACT_CARD_MODES,
  RESPONSE_PROFILES,
  type CompactCardMode,
  type ResponseProfileName,
} from '../ehr/profile-names.js';

/**
 * The EHRs this service trusts (CDS_TRUSTED_ISSUERS), as a JSON file path or inline JSON:
 *
 *   { "issuers": [ { "iss": "https://ehr.example.org",
 *                    "jwks_uri": ["https://ehr.example.org/.well-known/jwks.json"],   // fetched; or
 *                    "jwks": { "keys": [ ... ] },                                      // inline keys
 *                    "tenants": ["org-1"], "fhirServers": ["https://ehr.example.org/fhir/r4"],
 *                    "algorithms": ["RS384"],
 *                    "audiences": ["https://example.com/savecdshooksrequest"],
 *                    "preset": "epic",                  // epic | oracle-health | davinci-crd (issuer-presets.ts)
 *                    "maxLifetimeSeconds": 900,         // longest exp − iat for this issuer
 *                    "profile": "epic",                 // hl7 | epic | oracle-health: what the service sends
 *                    "compactCards": "non-critical" } ] }  // off | non-critical | all
 *
 * A top-level array of issuers is accepted too. Only the listed `jwks_uri` URLs are ever fetched. A preset fills in
 * `algorithms`, `maxLifetimeSeconds` and `profile` where the entry leaves them out.
 */
export interface TrustedIssuer {
  iss: string;
  /** JWK Set URLs that may be fetched (and that a token's `jku` header may name). */
  jwksUris: string[];
  /** Keys configured out of band. */
  jwks?: { keys: Record<string, unknown>[] };
  /** `jku` values that stand for the inline `jwks` (a static copy of a published set): accepted, never fetched. */
  jkuAliases: string[];
  /** When non-empty, the token's `tenant` claim must be one of these. */
  tenants: string[];
  /** FHIR base URLs this issuer's requests may name as fhirServer. */
  fhirServers: string[];
  /** Overrides the global algorithm allow-list for this issuer. */
  algorithms?: Algorithm[];
  /**
   * `aud` values accepted for this issuer besides the URL called (an audience the health system configures by hand,
   * as Epic does). Never consulted for another issuer.
   */
  audiences?: string[];
  /** The trust preset named in the entry (documentation of where the defaults came from). */
  preset?: IssuerPresetName;
  /** Overrides JWT_MAX_LIFETIME_SECONDS for this issuer. */
  maxLifetimeSeconds?: number;
  /** Response profile for this issuer's calls (else CDS_RESPONSE_PROFILE). */
  profile?: ResponseProfileName;
  /** Which cards are compact for this issuer (else the profile's default). */
  compactCards?: CompactCardMode;
}

const httpUrl = z.url({ protocol: /^https?$/ });
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

const algorithm = z
  .string()
  .refine((a) => !isNoneAlgorithm(a) && !isSymmetricAlgorithm(a), {
    message: '"none" and HS* algorithms are never allowed',
  })
  .refine(isConfigurableAlgorithm, { message: 'unsupported algorithm' });

const jwk = z.looseObject({ kty: z.string() }).refine((k) => !('d' in k) && k.kty !== 'oct', {
  message: 'a trusted JWKS must contain public keys only (no "d", no "oct" keys)',
});

/** Longest configured audience: a URL or an identifier, never a payload. */
const MAX_AUDIENCE_LENGTH = 2048;

const audience = z
  .string()
  .min(1, { message: 'an audience must not be empty' })
  .max(MAX_AUDIENCE_LENGTH)
  .refine((a) => a === a.trim() && ![...a].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), {
    message: 'an audience must have no surrounding whitespace or control characters',
  })
  .refine((a) => configuredAudienceKey(a) !== undefined, {
    message:
      'an http(s) audience must be an absolute URL without query, fragment, userinfo or dot segments / percent-encoding in its path',
  });

const issuerSchema = z
  .strictObject({
    iss: z.string().min(1),
    jwks_uri: oneOrMany(httpUrl).optional(),
    jwks: z.object({ keys: z.array(jwk).min(1) }).optional(),
    jku_aliases: z.array(httpUrl).optional(),
    tenants: z.array(z.string().min(1)).optional(),
    fhirServers: z.array(httpUrl).optional(),
    algorithms: z.array(algorithm).min(1).optional(),
    audiences: oneOrMany(audience).optional(),
    preset: z.enum(ISSUER_PRESET_NAMES as [IssuerPresetName, ...IssuerPresetName[]]).optional(),
    maxLifetimeSeconds: z.number().int().min(60).max(MAX_ISSUER_LIFETIME_SECONDS).optional(),
    profile: z.enum(RESPONSE_PROFILES).optional(),
    compactCards: z.enum(COMPACT_CARD_MODES).optional(),
  })
  .refine((i) => (i.jwks_uri?.length ?? 0) > 0 || i.jwks !== undefined, {
    message: 'each issuer needs "jwks_uri" or "jwks"',
  });

// Chosen by shape rather than as a union, so that an error names the field (a union reports "Invalid input").
const listSchema = z.array(issuerSchema);
const objectSchema = z.strictObject({ issuers: z.array(issuerSchema) });

/** Reads the value of CDS_TRUSTED_ISSUERS (inline JSON or a file path); throws with a one-line message. */
export function parseTrustedIssuers(value: string): TrustedIssuer[] {
  const trimmed = value.trim();
  let text = trimmed;
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    try {
      text = readFileSync(trimmed, 'utf8');
    } catch {
      throw new Error(`cannot read file "${trimmed}"`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  const parsed = Array.isArray(json)
    ? listSchema.safeParse(json)
    : objectSchema.transform((o) => o.issuers).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const list = Array.isArray(parsed.data)
    ? parsed.data
    : (parsed.data as { issuers: typeof parsed.data }).issuers;
  const seen = new Set<string>();
  return list.map((i) => {
    if (seen.has(i.iss)) throw new Error(`issuer "${i.iss}" is listed twice`);
    seen.add(i.iss);
    const preset = i.preset ? ISSUER_PRESETS[i.preset] : undefined;
    const algorithms = (i.algorithms as Algorithm[] | undefined) ?? preset?.algorithms;
    const maxLifetimeSeconds =
      i.maxLifetimeSeconds ??
      (preset && 'maxLifetimeSeconds' in preset ? preset.maxLifetimeSeconds : undefined);
    const profile = i.profile ?? preset?.profile;
    return {
      iss: i.iss,
      jwksUris: i.jwks_uri ?? [],
      ...(i.jwks ? { jwks: { keys: i.jwks.keys as Record<string, unknown>[] } } : {}),
      jkuAliases: i.jku_aliases ?? [],
      tenants: i.tenants ?? [],
      fhirServers: i.fhirServers ?? [],
      ...(algorithms ? { algorithms: [...algorithms] } : {}),
      ...(i.audiences?.length ? { audiences: [...new Set(i.audiences)] } : {}),
      ...(i.preset ? { preset: i.preset } : {}),
      ...(maxLifetimeSeconds !== undefined ? { maxLifetimeSeconds } : {}),
      ...(profile ? { profile } : {}),
      ...(i.compactCards ? { compactCards: i.compactCards } : {}),
    };
  });
}
