import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { isProtectedRequest } from '../../security/protected-routes.js';

/**
 * Security headers that do not break CDS clients: browser EHRs (the sandbox) read our responses cross-origin,
 * so Cross-Origin-Resource-Policy is `cross-origin` and no embedder policy is set. The CDS Hooks JSON responses
 * get a deny-all CSP and `no-store` (cards can carry PHI); other pages (e.g. the API docs UI) keep their own CSP
 * needs, so helmet's default CSP is not applied globally. HSTS only in production (where TLS is required).
 */
export async function registerSecurityHeaders(app: FastifyInstance, isProduction: boolean): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (!isProtectedRequest(request)) return;
    reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
  });
}
