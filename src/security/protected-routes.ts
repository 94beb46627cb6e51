import type { FastifyRequest } from 'fastify';

/**
 * The CDS Hooks endpoints that need the EHR's JWT (spec §6.2: discovery, invocation and feedback). Matched on the
 * route pattern, so trailing slashes and service ids do not matter. Every route under `/cds-services` is
 * protected, not only the three known today: a route added there later cannot be left open by forgetting this
 * list. CORS preflights (OPTIONS) never carry a token and are answered by the CORS plugin; health, readiness and
 * metrics are not CDS Hooks endpoints.
 */
const PROTECTED_PREFIX = '/cds-services';

export function isProtectedRequest(request: FastifyRequest): boolean {
  if (request.method === 'OPTIONS') return false;
  const route = request.routeOptions.url;
  return route !== undefined && isProtectedRoute(route);
}

function isProtectedRoute(route: string): boolean {
  return route === PROTECTED_PREFIX || route.startsWith(PROTECTED_PREFIX + '/');
}
