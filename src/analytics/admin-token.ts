import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpProblem } from '../errors.js';

/**
 * Checks `Authorization: Bearer <token>` against the configured admin token in constant time (both sides are
 * hashed first, so neither the length nor a prefix of the token leaks through timing).
 */
function createAdminTokenCheck(expected: string): (authorization: string | undefined) => boolean {
  const expectedDigest = createHash('sha256').update(expected).digest();
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return false;
    const given = createHash('sha256').update(match[1]!).digest();
    return timingSafeEqual(given, expectedDigest);
  };
}

/** A route `onRequest` hook: 401 (with a `WWW-Authenticate` challenge) unless the admin bearer token is given. */
export function requireAdminToken(expected: string) {
  const isAdmin = createAdminTokenCheck(expected);
  return async (request: { headers: { authorization?: string } }): Promise<void> => {
    if (isAdmin(request.headers.authorization)) return;
    throw new HttpProblem(401, 'An admin bearer token is required', {
      headers: { 'WWW-Authenticate': 'Bearer realm="analytics"' },
    });
  };
}
