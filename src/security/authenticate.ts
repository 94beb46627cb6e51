import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../errors.js';
import { AuthFailure, type AuthFailureReason } from './auth-failure.js';
import { isProtectedRequest } from './protected-routes.js';
import type { TokenVerifier } from './token-verifier.js';

export interface AuthenticationOptions {
  verifier: TokenVerifier;
  /** PUBLIC_BASE_URL without a trailing slash: `aud` must be this plus the path that was called. */
  publicBaseUrl: string;
}

/**
 * The onRequest hook that requires `Authorization: Bearer <JWT>` on every CDS Hooks call and sets
 * `request.caller`. A refusal is a 401 whose body is the same for every reason; the reason goes to the log line
 * (never the token) and to the `auth.failed` event for metrics.
 */
export function registerAuthentication(app: FastifyInstance, options: AuthenticationOptions): void {
  app.addHook('onRequest', async (request) => {
    if (!isProtectedRequest(request)) return;
    const audience = options.publicBaseUrl + pathOf(request);
    try {
      request.caller = await options.verifier.verify(bearerToken(request), audience);
    } catch (err) {
      const reason: AuthFailureReason = err instanceof AuthFailure ? err.reason : 'verification-error';
      if (!(err instanceof AuthFailure)) {
        // Unexpected (e.g. an unusable key in a JWKS): keep the type for the operator, never the message or token.
        request.log.error(
          { authFailure: reason, errorType: (err as Error)?.name },
          'token verification error',
        );
      }
      request.logFields.authFailure = reason;
      request.log.warn({ authFailure: reason, iss: unverifiedIssuer(request) }, 'authentication failed');
      app.cdsEvents.emit('auth.failed', { reason });
      if (reason === 'replay-store-unavailable') {
        throw new HttpProblem(503, 'Service Unavailable', { headers: { 'Retry-After': '5' } });
      }
      throw new HttpProblem(401, 'Unauthorized', { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
  });
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
