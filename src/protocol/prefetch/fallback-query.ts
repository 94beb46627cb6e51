import { FhirFetchError, type FhirCallContext, type FhirClient } from '../fhir-client.js';
import type { FhirResource } from '../types.js';
import type { ServerCapabilities } from './capabilities.js';
import { planQuery, type PlanOptions } from './query-plan.js';

/**
 * One fallback key fetched from fhirServer, capability-aware (query-plan.ts). The outcome is either the data, or
 * `unavailable` when the server does not have that kind of data at all (its statement does not list the type, or
 * every attempt was answered "not supported"). Real failures — timeouts, 5xx, 401/403, a size or page cap, a
 * forbidden link — are thrown as FhirFetchError, and the caller answers 412.
 */
export type FallbackOutcome =
  { kind: 'data'; resources: FhirResource[]; query: string } | { kind: 'unavailable'; resourceType: string };

export async function fetchWithCapabilities(
  relative: string,
  client: FhirClient,
  ctx: FhirCallContext,
  caps: ServerCapabilities,
  options: PlanOptions = {},
): Promise<FallbackOutcome> {
  const plan = planQuery(relative, caps, options);
  if (plan.kind === 'unsupported') return { kind: 'unavailable', resourceType: plan.resourceType };
  let missingType: string | undefined;
  for (const attempt of plan.attempts) {
    // The server said it has no such type: its relaxed queries would only hear the same again.
    if (attempt.resourceType === missingType) continue;
    try {
      const resources = await client.query(attempt.query, ctx);
      return {
        kind: 'data',
        resources: attempt.keep ? resources.filter(attempt.keep) : resources,
        query: attempt.query,
      };
    } catch (err) {
      const isSearch = !attempt.query.split('?')[0]!.includes('/');
      if (!(err instanceof FhirFetchError) || !saysUnsupported(err, isSearch)) throw err;
      if (err.status === 404 || err.status === 405 || err.status === 501) missingType = attempt.resourceType;
    }
  }
  return { kind: 'unavailable', resourceType: plan.resourceType };
}

const UNSUPPORTED_TEXT =
  /not supported|unsupported|not implemented|unknown (search )?param|unknown resource|not known|invalid (search )?param|is not a valid|not allowed/i;

/**
 * Whether an error answer means "this server has no such resource type or parameter" rather than a failure:
 * - 404 / 405 / 501 on a type-level search (an existing type answers an empty Bundle, never 404);
 * - 400 / 422 whose OperationOutcome says so (issue code `not-supported`, or text such as HAPI's "Unknown search
 *   parameter", Oracle Health's "… is not supported");
 * - a read answered 404 only when its OperationOutcome says `not-supported` (a missing Patient is a failure).
 * 401, 403, 5xx, timeouts, caps and a refused continuation page are never "unsupported".
 */
export function saysUnsupported(err: FhirFetchError, isSearch: boolean): boolean {
  // Past the first page the server did support the search: a refused continuation page is a failure (partial data).
  if (err.reason !== 'http-status' || err.status === undefined || err.page > 1) return false;
  const outcomeSays =
    err.outcome !== undefined &&
    (err.outcome.codes.includes('not-supported') || UNSUPPORTED_TEXT.test(err.outcome.text));
  switch (err.status) {
    case 404:
    case 405:
    case 501:
      return isSearch || outcomeSays;
    case 400:
    case 422:
      return outcomeSays;
    default:
      return false;
  }
}
