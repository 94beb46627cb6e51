import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../../errors.js';
import { isProtectedRequest } from '../../security/protected-routes.js';

/**
 * Optional per-client rate limit on the CDS Hooks endpoints (RATE_LIMIT_PER_MINUTE). A route-level onRequest hook:
 * it runs after the authentication hook (so the key is the verified issuer and configured tenant, and one tenant
 * cannot exhaust another's budget) and before the jti is recorded and the body read (so a 429 costs no parsing and
 * burns no token). A tenant claim of an issuer without a tenant list is not a key of its own (issue 11). Without
 * authentication the key is the client address. Counters are per process.
 */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: perMinute,
    timeWindow: 60_000,
    allowList: (request: FastifyRequest) => !isProtectedRequest(request),
    keyGenerator: (request: FastifyRequest) => request.callerBucket ?? `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, 'Too many requests; retry later', {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      }),
  });
}
