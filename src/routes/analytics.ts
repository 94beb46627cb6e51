import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../errors.js';
import type { CardCatalogue } from '../cards/loader.js';
import { problemJsonSchema, toJsonSchema } from '../protocol/schemas/json-schemas.js';
import type { AnalyticsFacts, FeedbackStore, TimeWindow } from '../store/types.js';
import { requireAdminToken } from '../analytics/admin-token.js';
import { cardAnalyticsJsonSchema } from '../analytics/response-schema.js';
import { ownReasonCodesOf } from '../analytics/own-reason-codes.js';
import { summarizeCards } from '../analytics/summarize.js';
import { windowFromQuery, windowQuerySchema } from '../analytics/window.js';

export interface AnalyticsRouteOptions {
  store: FeedbackStore;
  adminToken: string;
  /** The card catalogue (override reasons each card offers). */
  catalogue: CardCatalogue;
}

const routeSchema = {
  summary: 'Card acceptance and override analytics (admin token)',
  tags: ['analytics'],
  querystring: toJsonSchema(windowQuerySchema, 'input'),
  security: [{ adminToken: [] }],
  response: {
    200: cardAnalyticsJsonSchema,
    400: problemJsonSchema,
    401: problemJsonSchema,
    503: problemJsonSchema,
  },
};

/**
 * `GET /analytics/cards?from=&to=&days=`: acceptance and override figures per catalogue id and indicator.
 * Only registered when an admin token is configured; answers 401 to any other caller.
 */
const analyticsRoutes: FastifyPluginAsync<AnalyticsRouteOptions> = async (
  app,
  { store, adminToken, catalogue },
) => {
  const ownReasonCodes = ownReasonCodesOf(catalogue);
  app.get(
    '/analytics/cards',
    { schema: routeSchema, validatorCompiler: () => () => true, onRequest: requireAdminToken(adminToken) },
    async (request, reply) => {
      const window = windowFromQuery(request.query, app.clock());
      reply.header('Cache-Control', 'no-store');
      return summarizeCards(await factsOrUnavailable(store, window, request.log), window, ownReasonCodes);
    },
  );
};

/** Long enough for a restarted or failed-over database to come back; the pool's connect timeout is 3 s. */
const STORE_RETRY_AFTER_SECONDS = '10';

/**
 * The figures come straight from the database, so an unreachable (or timing-out) database makes this one route
 * unavailable, not broken: 503 with `Retry-After`, like every other temporarily unavailable answer. Only the
 * error's code is logged; a database error message may quote values.
 */
async function factsOrUnavailable(
  store: FeedbackStore,
  window: TimeWindow,
  log: FastifyBaseLogger,
): Promise<AnalyticsFacts> {
  try {
    return await store.analyticsFacts(window);
  } catch (err) {
    log.warn({ code: (err as { code?: string }).code ?? 'unknown' }, 'analytics: feedback store unavailable');
    throw new HttpProblem(503, 'The feedback store is unavailable; try again later', {
      headers: { 'Retry-After': STORE_RETRY_AFTER_SECONDS },
    });
  }
}

export default analyticsRoutes;
