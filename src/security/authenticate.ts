import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../errors.js';
import { AuthFailure, type AuthFailureReason } from './auth-failure.js';
import { isProtectedRequest } from './protected-routes.js';
import type { ReplayBucket } from './replay-quotas.js';
import { ReplayStoreUnavailable, type ClaimOutcome, type ReplayStore } from './replay-store.js';
import type { TokenVerifier, VerifiedToken } from './token-verifier.js';

export interface AuthenticationOptions {
  verifier: TokenVerifier;
  /** PUBLIC_BASE_URL without a trailing slash: `aud` must be this plus the path that was called. */
  publicBaseUrl: string;
  replayStore: ReplayStore;
  /** The issuer/tenant bucket of a verified token: rate-limit key and jti quota. */
  bucketOf: (token: VerifiedToken['bucket']) => ReplayBucket;
  now?: () => number;
}

/** Seconds a client over its jti quota is asked to wait (its oldest tokens expire meanwhile). */
const OVER_QUOTA_RETRY_AFTER_S = 30;

/**
 * Authentication of every CDS Hooks call, in this order (issue 11):
 * 1. onRequest: `Authorization: Bearer <JWT>` is verified (signature and claims) and `request.caller` set;
 * 2. onRequest, route level: the rate limit (RATE_LIMIT_PER_MINUTE), keyed by the verified issuer/tenant bucket;
 * 3. preParsing (before the body is read): the `jti` is recorded in the replay cache, within the bucket's quota.
 * So a token refused for any reason, or a request refused with 429, does not consume its nonce, and a flood from
 * one issuer fills only that issuer's quota. A refusal is a 401 whose body is the same for every reason; the reason
 * goes to the log line (never the token) and to the `auth.failed` event for metrics.
 */
export function registerAuthentication(app: FastifyInstance, options: AuthenticationOptions): void {
  const verified = new WeakMap<FastifyRequest, VerifiedToken>();
  const now = options.now ?? Date.now;

  app.addHook('onRequest', async (request) => {
    if (!isProtectedRequest(request)) return;
    const audience = options.publicBaseUrl + pathOf(request);
    try {
      const token = await options.verifier.verify(bearerToken(request), audience);
      request.caller = token.caller;
      request.callerBucket = options.bucketOf(token.bucket).key;
      verified.set(request, token);
    } catch (err) {
      refuse(app, request, err);
    }
  });

  app.addHook('preParsing', async (request, _reply, payload) => {
    const token = verified.get(request);
    if (!token) return payload;
    verified.delete(request);
    const bucket = options.bucketOf(token.bucket);
    let outcome: ClaimOutcome;
    try {
      outcome = await options.replayStore.claim({
        bucket: bucket.key,
        jti: token.jti,
        ttlMs: token.rememberUntilMs - now(),
        quota: bucket.quota,
        issuer: token.caller.issuer,
      });
    } catch (err) {
      refuse(
        app,
        request,
        err instanceof ReplayStoreUnavailable ? new AuthFailure('replay-store-unavailable') : err,
      );
    }
    if (outcome === 'replayed') refuse(app, request, new AuthFailure('jti-replayed'));
    if (outcome === 'over-quota') {
      request.logFields.authFailure = 'jti-quota-exceeded';
      request.log.warn({ authFailure: 'jti-quota-exceeded', iss: token.caller.issuer }, 'jti quota exceeded');
      app.cdsEvents.emit('auth.failed', { reason: 'jti-quota-exceeded' });
      throw new HttpProblem(429, 'Too many requests; retry later', {
        headers: { 'Retry-After': String(OVER_QUOTA_RETRY_AFTER_S) },
      });
    }
    return payload;
  });
}

/** Log and count the reason, then throw the answer: 503 when the replay cache cannot answer, else 401. */
function refuse(app: FastifyInstance, request: FastifyRequest, err: unknown): never {
  const reason: AuthFailureReason = err instanceof AuthFailure ? err.reason : 'verification-error';
  if (!(err instanceof AuthFailure)) {
    // Unexpected (e.g. an unusable key in a JWKS): keep the type for the operator, never the message or token.
    request.log.error({ authFailure: reason, errorType: (err as Error)?.name }, 'token verification error');
  }
  request.logFields.authFailure = reason;
  request.log.warn({ authFailure: reason, iss: unverifiedIssuer(request) }, 'authentication failed');
  app.cdsEvents.emit('auth.failed', { reason });
  if (reason === 'replay-store-unavailable') {
    throw new HttpProblem(503, 'Service Unavailable', { headers: { 'Retry-After': '5' } });
  }
  throw new HttpProblem(401, 'Unauthorized', { headers: { 'WWW-Authenticate': 'Bearer' } });
}

function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q === -1 ? request.url : request.url.slice(0, q);
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new AuthFailure('token-missing');
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i.exec(header);
  if (!match) throw new AuthFailure('token-malformed');
  return match[1]!;
}

/** For the log line only: which issuer a refused token claimed (not verified, so shortened and never trusted). */
function unverifiedIssuer(request: FastifyRequest): string | undefined {
  const token = /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload || payload.length > 8192) return undefined;
  try {
    const iss = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
    return typeof iss === 'string' ? iss.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
