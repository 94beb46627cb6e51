import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` against the configured admin token in constant time (both sides are
 * hashed first, so neither the length nor a prefix of the token leaks through timing).
 */
export function createAdminTokenCheck(expected: string): (authorization: string | undefined) => boolean {
  const expectedDigest = createHash('sha256').update(expected).digest();
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return false;
    const given = createHash('sha256').update(match[1]!).digest();
    return timingSafeEqual(given, expectedDigest);
  };
}
