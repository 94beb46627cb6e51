import type { TrustedIssuer } from './trusted-issuers.js';

/** Where a verified token's nonce is counted, and how many live nonces that place may hold. */
export interface ReplayBucket {
  /** Issuer and configured tenant, e.g. `iss:https://ehr.example|tenant:org-1`: also the rate-limit key. */
  key: string;
  quota: number;
}

/**
 * Shares of the jti cache (JTI_CACHE_MAX_ENTRIES): each trusted issuer gets an equal share, split equally between
 * its tenants when it lists them. The shares add up to at most the total, so one issuer (or tenant) that floods the
 * service with valid tokens fills only its own share: the others keep being served and readiness never fails
 * because of it (issue 11). A tenant the issuer does not list never reaches here (the token is refused), and the
 * tenant claim of an issuer without a list is not a bucket of its own.
 */
export function replayBuckets(
  issuers: readonly TrustedIssuer[],
  total: number,
): (token: { issuer: string; tenant?: string }) => ReplayBucket {
  const issuerShare = Math.max(1, Math.floor(total / Math.max(1, issuers.length)));
  const tenantsOf = new Map(issuers.map((i) => [i.iss, i.tenants.length]));
  return ({ issuer, tenant }) => {
    const tenants = tenantsOf.get(issuer) ?? 0;
    const listed = tenant !== undefined && tenants > 0;
    return {
      key: `iss:${issuer}|tenant:${listed ? tenant : ''}`,
      quota: listed ? Math.max(1, Math.floor(issuerShare / tenants)) : issuerShare,
    };
  };
}
