import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWSHeaderParameters,
} from 'jose';
import type { CallerIdentity } from '../protocol/trust.js';
import { isNoneAlgorithm, isSymmetricAlgorithm, type Algorithm } from './algorithms.js';
import { AuthFailure } from './auth-failure.js';
import { IssuerKeys, type IssuerKeysOptions } from './issuer-keys.js';
import type { TrustedIssuer } from './trusted-issuers.js';
import { audienceKey, configuredAudienceKey } from '../protocol/urls.js';

export interface TokenVerifierOptions {
  issuers: TrustedIssuer[];
  algorithms: Algorithm[];
  clockSkewSeconds: number;
  maxLifetimeSeconds: number;
  maxTokenBytes: number;
  jwks: Omit<IssuerKeysOptions, 'now'>;
  now?: () => number;
}

/** A token that passed every check; its `jti` is not yet recorded (authenticate.ts does that, after the rate limit). */
export interface VerifiedToken {
  caller: CallerIdentity;
  /**
   * What the rate limit and the jti quota count against: the issuer, plus the tenant only when the issuer lists its
   * tenants (a self-asserted tenant of an issuer without a list would otherwise open a fresh bucket per value).
   */
  bucket: { issuer: string; tenant?: string };
  jti: string;
  /** Until when the nonce must be remembered (epoch ms): `exp` plus the tolerated skew. */
  rememberUntilMs: number;
}

/** Longest `jti` kept in the replay cache; a longer one is not a nonce but an attempt to fill memory. */
const MAX_JTI_LENGTH = 256;

/**
 * Verifies the CDS Hooks 2.0 client JWT (spec §6, best-practice validation procedure). Cheap structural checks
 * come first so that a forged token costs no key lookup; the signature is verified by jose with the key chosen by
 * `kid` from the issuer's own key sources; claims are checked after the signature. The `jti` is not recorded here:
 * the caller records it after the rate limit, so that neither a refused token nor a rate-limited request consumes
 * its nonce (issue 11).
 */
export class TokenVerifier {
  private readonly issuers: Map<
    string,
    { config: TrustedIssuer; keys: IssuerKeys; audiences: ReadonlySet<string> }
  >;
  private readonly now: () => number;

  constructor(private readonly options: TokenVerifierOptions) {
    this.now = options.now ?? Date.now;
    this.issuers = new Map(
      options.issuers.map((config) => [
        config.iss,
        {
          config,
          keys: new IssuerKeys(config, { ...options.jwks, now: this.now }),
          audiences: configuredAudienceKeys(config.audiences ?? []),
        },
      ]),
    );
  }

  /** @param audience the exact URL that was called (built from PUBLIC_BASE_URL). */
  async verify(token: string, audience: string): Promise<VerifiedToken> {
    if (token.length > this.options.maxTokenBytes) throw new AuthFailure('token-too-large');
    const header = readHeader(token);
    const payload = readPayload(token);

    if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT')
      throw new AuthFailure('typ-invalid');
    const alg = header.alg;
    if (typeof alg !== 'string' || isNoneAlgorithm(alg)) throw new AuthFailure('alg-none');
    if (isSymmetricAlgorithm(alg)) throw new AuthFailure('alg-symmetric');
    if (typeof header.kid !== 'string' || header.kid.length === 0) throw new AuthFailure('kid-missing');

    if (typeof payload.iss !== 'string' || payload.iss.length === 0) throw new AuthFailure('iss-missing');
    const issuer = this.issuers.get(payload.iss);
    if (!issuer) throw new AuthFailure('iss-untrusted');
    const algorithms = issuer.config.algorithms ?? this.options.algorithms;
    if (!(algorithms as string[]).includes(alg)) throw new AuthFailure('alg-not-allowed');

    const key = await issuer.keys.keyFor(header);
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, key, {
        algorithms,
        issuer: issuer.config.iss,
        typ: 'JWT',
        clockTolerance: this.options.clockSkewSeconds,
        requiredClaims: ['exp', 'iat', 'jti'],
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      throw new AuthFailure(reasonFromJose(err));
    }

    const nowSeconds = Math.floor(this.now() / 1000);
    const iat = claims.iat!;
    const exp = claims.exp!;
    if (iat > nowSeconds + this.options.clockSkewSeconds) throw new AuthFailure('iat-in-future');
    // Per issuer (the Da Vinci CRD request generator mints day-long tokens) or JWT_MAX_LIFETIME_SECONDS.
    const maxLifetime = issuer.config.maxLifetimeSeconds ?? this.options.maxLifetimeSeconds;
    if (exp - iat > maxLifetime) throw new AuthFailure('lifetime-too-long');
    // The URL called, or one of the audiences configured for THIS issuer (looked up by the verified `iss`): an
    // audience configured for another issuer never admits this one's tokens.
    if (!audienceMatches(claims.aud, audience) && !configuredAudienceMatches(claims.aud, issuer.audiences))
      throw new AuthFailure('aud-mismatch');
    const tenant = typeof claims.tenant === 'string' ? claims.tenant : undefined;
    if (issuer.config.tenants.length > 0 && (!tenant || !issuer.config.tenants.includes(tenant))) {
      throw new AuthFailure('tenant-untrusted');
    }
    const jti = claims.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
      throw new AuthFailure('jti-missing');

    return {
      caller: { issuer: issuer.config.iss, ...(tenant ? { tenant } : {}) },
      bucket: {
        issuer: issuer.config.iss,
        ...(tenant && issuer.config.tenants.length > 0 ? { tenant } : {}),
      },
      jti,
      // Keep the nonce until the token could no longer be accepted (exp plus the tolerated skew).
      rememberUntilMs: (exp + this.options.clockSkewSeconds) * 1000,
    };
  }
}

function readHeader(token: string): JWSHeaderParameters {
  try {
    return decodeProtectedHeader(token) as JWSHeaderParameters;
  } catch {
    throw new AuthFailure('token-malformed');
  }
}

/** Unverified: only used to pick the issuer; everything is re-read from the verified payload afterwards. */
function readPayload(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw new AuthFailure('token-malformed');
  }
}

/**
 * `aud` as a string or an array; one entry must be the URL called. Compared as URLs: scheme and host case, a
 * default port and a trailing slash are no difference; the path is compared exactly (no percent-decoding, no
 * case folding), and an `aud` with a query or fragment names no endpoint and never matches.
 */
function audienceMatches(aud: unknown, expected: string): boolean {
  const want = audienceKey(expected);
  const values = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  return want !== undefined && values.some((v) => typeof v === 'string' && audienceKey(v) === want);
}

/**
 * `aud` as a string or an array; one entry must equal one of the issuer's configured audiences (an Epic-style
 * `aud` set by hand by the health system), after the same URL normalisation as `audienceMatches`.
 */
function configuredAudienceMatches(aud: unknown, configured: ReadonlySet<string>): boolean {
  if (configured.size === 0) return false;
  const values = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  return values.some((v) => {
    if (typeof v !== 'string') return false;
    const key = configuredAudienceKey(v);
    return key !== undefined && configured.has(key);
  });
}

function configuredAudienceKeys(audiences: string[]): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const a of audiences) {
    const key = configuredAudienceKey(a);
    // Validated at start-up (parseTrustedIssuers); a value that can match nothing is skipped, never widened.
    if (key !== undefined) keys.add(key);
  }
  return keys;
}

function reasonFromJose(err: unknown): AuthFailure['reason'] {
  if (err instanceof AuthFailure) return err.reason;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature-invalid';
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'alg-not-allowed';
  // An unknown `crit` extension, `b64: false`: the token asks for processing this service does not do.
  if (err instanceof errors.JOSENotSupported) return 'header-unsupported';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'typ') return 'typ-invalid';
    if (err.claim === 'iss') return 'iss-untrusted';
    if (err.reason === 'missing') {
      if (err.claim === 'exp') return 'exp-missing';
      if (err.claim === 'iat') return 'iat-missing';
      if (err.claim === 'jti') return 'jti-missing';
    }
    if (err.reason === 'check_failed' && err.claim === 'nbf') return 'not-yet-valid';
    if (err.reason === 'check_failed' && err.claim === 'iat') return 'iat-in-future';
    return 'claims-invalid';
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'token-malformed';
  return 'signature-invalid';
}
