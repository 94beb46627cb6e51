import { z } from 'zod';
import { ConfigError, envBool, envInt, envList, parseSection, type Env } from './env.js';
import type { CoreConfig } from './core.js';
import {
  DEFAULT_ALGORITHMS,
  isConfigurableAlgorithm,
  isNoneAlgorithm,
  isSymmetricAlgorithm,
  type Algorithm,
} from '../security/algorithms.js';
import { parseTrustedIssuers, type TrustedIssuer } from '../security/trusted-issuers.js';
import { sandboxIssuer, SANDBOX_ISSUER } from '../security/sandbox-preset.js';

const algorithmList = envList().superRefine((algs, ctx) => {
  for (const alg of algs) {
    if (isNoneAlgorithm(alg) || isSymmetricAlgorithm(alg)) {
      ctx.addIssue({ code: 'custom', message: `"${alg}" is never allowed (none and HS* are forbidden)` });
    } else if (!isConfigurableAlgorithm(alg)) {
      ctx.addIssue({ code: 'custom', message: `unsupported algorithm "${alg}"` });
    }
  }
});

const schema = z.object({
  CDS_AUTH: z.enum(['required', 'off']).optional(),
  CDS_TRUSTED_ISSUERS: z.string().min(1).optional(),
  CDS_TRUST_SANDBOX: envBool(false),
  CDS_SANDBOX_FHIR_SERVERS: envList().pipe(z.array(z.url({ protocol: /^https?$/ }))),
  JWT_ALGORITHMS: algorithmList,
  JWT_CLOCK_SKEW_SECONDS: envInt(30, 0, 300),
  JWT_MAX_LIFETIME_SECONDS: envInt(3600, 60, 24 * 3600),
  JWT_MAX_BYTES: envInt(8192, 512, 65_536),
  JWKS_TIMEOUT_MS: envInt(2000, 100, 30_000),
  JWKS_MAX_BYTES: envInt(65_536, 1024, 1_048_576),
  JWKS_COOLDOWN_SECONDS: envInt(60, 0, 3600),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  JTI_CACHE_MAX_ENTRIES: envInt(200_000, 100, 10_000_000),
  FHIR_SERVER_ALLOWLIST: envList().pipe(z.array(z.url({ protocol: /^https?$/ }))),
  FHIR_ALLOW_PRIVATE_NETWORK: envBool(false),
  FHIR_ALLOW_HTTP_LOOPBACK: envBool(false),
  FHIR_ALLOW_HTTP_ALLOWLISTED: envBool(false),
  RATE_LIMIT_PER_MINUTE: envInt(0, 0, 1_000_000),
});

/**
 * Authentication of the calling EHR and the outbound (fhirServer) policy. Decisions that stop the process:
 * - CDS_AUTH=required needs PUBLIC_BASE_URL, because `aud` must equal the exact URL the EHR called and a URL
 *   guessed from the Host header would let a token minted for another host pass;
 * - CDS_AUTH=required needs at least one trusted issuer (otherwise every call would fail);
 * - CDS_TRUST_SANDBOX=true under NODE_ENV=production (the sandbox's private key is public).
 */
export function parseSecurityConfig(env: Env, core: CoreConfig) {
  const raw = parseSection(schema, env);
  const mode = raw.CDS_AUTH ?? (core.isProduction ? 'required' : 'off');

  // Plain http in production only ever for servers named one by one (e.g. a FHIR server on a private Docker
  // network): without an allow-list the opt-in would re-open http to any host.
  if (raw.FHIR_ALLOW_HTTP_ALLOWLISTED && raw.FHIR_SERVER_ALLOWLIST.length === 0) {
    throw new ConfigError(
      'Invalid environment variable FHIR_ALLOW_HTTP_ALLOWLISTED ("true"): needs FHIR_SERVER_ALLOWLIST naming the http servers allowed',
    );
  }

  if (raw.CDS_TRUST_SANDBOX && core.isProduction) {
    throw new ConfigError(
      'Invalid environment variable CDS_TRUST_SANDBOX ("true"): the sandbox private key is public; never trust it under NODE_ENV=production',
    );
  }

  let issuers: TrustedIssuer[] = [];
  if (raw.CDS_TRUSTED_ISSUERS) {
    try {
      issuers = parseTrustedIssuers(raw.CDS_TRUSTED_ISSUERS);
    } catch (err) {
      throw new ConfigError(`Invalid environment variable CDS_TRUSTED_ISSUERS: ${(err as Error).message}`);
    }
  }
  if (raw.CDS_TRUST_SANDBOX) {
    if (issuers.some((i) => i.iss === SANDBOX_ISSUER)) {
      throw new ConfigError(
        `Invalid environment variable CDS_TRUSTED_ISSUERS: lists ${SANDBOX_ISSUER} while CDS_TRUST_SANDBOX=true; use one or the other`,
      );
    }
    issuers = [...issuers, sandboxIssuer(raw.CDS_SANDBOX_FHIR_SERVERS)];
  }
  if (core.isProduction) {
    for (const issuer of issuers) {
      if (issuer.jwksUris.some((u) => !u.startsWith('https:'))) {
        throw new ConfigError(
          `Invalid environment variable CDS_TRUSTED_ISSUERS: jwks_uri of "${issuer.iss}" must be https under NODE_ENV=production`,
        );
      }
    }
  }

  if (mode === 'required') {
    if (!core.publicBaseUrl) {
      throw new ConfigError(
        'Missing environment variable PUBLIC_BASE_URL: CDS_AUTH=required checks the JWT aud against the exact URL called, built from PUBLIC_BASE_URL',
      );
    }
    if (issuers.length === 0) {
      throw new ConfigError(
        'Missing environment variable CDS_TRUSTED_ISSUERS: CDS_AUTH=required needs at least one trusted issuer (or CDS_TRUST_SANDBOX=true outside production)',
      );
    }
  }

  const algorithms: Algorithm[] = [
    ...new Set<Algorithm>([...DEFAULT_ALGORITHMS, ...(raw.JWT_ALGORITHMS as Algorithm[])]),
  ];

  return {
    auth: {
      mode,
      /** True when the mode came from the default rather than CDS_AUTH (used for the start-up warning). */
      modeDefaulted: raw.CDS_AUTH === undefined,
      publicBaseUrl: core.publicBaseUrl,
      issuers,
      trustSandbox: raw.CDS_TRUST_SANDBOX,
      algorithms,
      clockSkewSeconds: raw.JWT_CLOCK_SKEW_SECONDS,
      maxLifetimeSeconds: raw.JWT_MAX_LIFETIME_SECONDS,
      maxTokenBytes: raw.JWT_MAX_BYTES,
      jwks: {
        timeoutMs: raw.JWKS_TIMEOUT_MS,
        maxBytes: raw.JWKS_MAX_BYTES,
        cooldownSeconds: raw.JWKS_COOLDOWN_SECONDS,
      },
      redisUrl: raw.REDIS_URL,
      /** Total of the jti replay cache, shared equally between issuers (and their listed tenants). */
      replayCacheMaxEntries: raw.JTI_CACHE_MAX_ENTRIES,
    },
    fhirServer: {
      allowlist: raw.FHIR_SERVER_ALLOWLIST,
      allowPrivateNetwork: raw.FHIR_ALLOW_PRIVATE_NETWORK,
      allowHttpLoopback: raw.FHIR_ALLOW_HTTP_LOOPBACK,
      allowHttpAllowlisted: raw.FHIR_ALLOW_HTTP_ALLOWLISTED,
      requireHttps: core.isProduction,
    },
    rateLimitPerMinute: raw.RATE_LIMIT_PER_MINUTE,
  };
}
