import type { TrustedIssuer } from './trusted-issuers.js';

/**
 * The CDS Hooks Sandbox (https://sandbox.cds-hooks.org) as a trusted issuer, for development only.
 *
 * Public key copied from the sandbox's published JWK Set (https://sandbox.cds-hooks.org/.well-known/jwks.json,
 * repository cds-hooks/sandbox, Apache-2.0). The sandbox's PRIVATE key is also public (committed in that
 * repository), so its tokens prove nothing: the configuration refuses this preset under NODE_ENV=production.
 *
 * The key is a static copy rather than fetched because the sandbox's `jku` is often unreachable from where the
 * service runs (a private network), and because fetching it would add nothing: the key pair is public anyway.
 */
export const SANDBOX_ISSUER = 'https://sandbox.cds-hooks.org';
const SANDBOX_JKU = 'https://sandbox.cds-hooks.org/.well-known/jwks.json';

const sandboxJwks = {
  keys: [
    {
      kty: 'EC',
      use: 'sig',
      crv: 'P-384',
      kid: '44823f3d-0b01-4a6c-a80e-b9d3e8a7226f',
      x: 'dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB',
      y: 'Sm3mLE-n1zYNla_aiE3cb3nZsL51RbC7ysw3q8aJLxGm-hx79RPMYpITDjp7kgzy',
      alg: 'ES384',
    },
  ],
};

/** The sandbox's default FHIR servers (SMART launcher DSTU2 and R4). */
const SANDBOX_DEFAULT_FHIR_SERVERS = [
  'https://launch.smarthealthit.org/v/r2/fhir',
  'https://launch.smarthealthit.org/v/r4/fhir',
];

export function sandboxIssuer(extraFhirServers: string[]): TrustedIssuer {
  return {
    iss: SANDBOX_ISSUER,
    jwksUris: [],
    jwks: sandboxJwks,
    // The sandbox names its published JWKS in `jku`; that URL stands for the static copy above and is never fetched.
    jkuAliases: [SANDBOX_JKU],
    tenants: [],
    fhirServers: [...SANDBOX_DEFAULT_FHIR_SERVERS, ...extraFhirServers],
    algorithms: ['ES384'],
  };
}
