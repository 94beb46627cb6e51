import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../../errors.js';
import { isProtectedRequest } from '../../security/protected-routes.js';

/**
 * Optional per-client rate limit on the CDS Hooks endpoints (RATE_LIMIT_PER_MINUTE). It runs after
 * authentication (preHandler) so that the key is the verified issuer and tenant: one EHR tenant cannot exhaust
 * another's budget. Without authentication the key is the client address. Counters are per process.
 */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: perMinute,
    timeWindow: 60_000,
    allowList: (request: FastifyRequest) => !isProtectedRequest(request),
    keyGenerator: (request: FastifyRequest) =>
      request.caller
        ? `iss:${request.caller.issuer}|tenant:${request.caller.tenant ?? ''}`
        : `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, 'Too many requests; retry later', {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      }),
  });
}
