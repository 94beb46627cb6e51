import type { FastifyRequest } from 'fastify';

/**
 * The CDS Hooks endpoints that need the EHR's JWT (spec §6.2: discovery, invocation and feedback). Matched on the
 * route pattern, so trailing slashes and service ids do not matter. CORS preflights (OPTIONS) never carry a
 * token and are answered by the CORS plugin; health, readiness and metrics are not CDS Hooks endpoints.
 */
const PROTECTED_ROUTES = new Set(['/cds-services', '/cds-services/:id', '/cds-services/:id/feedback']);

export function isProtectedRequest(request: FastifyRequest): boolean {
  if (request.method === 'OPTIONS') return false;
  const route = request.routeOptions.url;
  return route !== undefined && PROTECTED_ROUTES.has(route);
}
