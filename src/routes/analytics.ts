import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../errors.js';
import { describeZodError } from '../protocol/schemas/request.js';
import { errorJsonSchema } from '../protocol/schemas/response.js';
import type { FeedbackStore } from '../store/types.js';
import { createAdminTokenCheck } from '../analytics/admin-token.js';
import { cardAnalyticsJsonSchema } from '../analytics/response-schema.js';
import { summarizeCards } from '../analytics/summarize.js';
import { resolveWindow, windowQuerySchema } from '../analytics/window.js';

export interface AnalyticsRouteOptions {
  store: FeedbackStore;
  adminToken: string;
}

/**
 * `GET /analytics/cards?from=&to=&days=`: acceptance and override figures per catalogue id and indicator.
 * Only registered when an admin token is configured; answers 401 to any other caller.
 */
const analyticsRoutes: FastifyPluginAsync<AnalyticsRouteOptions> = async (app, { store, adminToken }) => {
  const isAdmin = createAdminTokenCheck(adminToken);
  app.get<{ Querystring: Record<string, string> }>(
    '/analytics/cards',
    {
      schema: {
        summary: 'Card acceptance and override analytics (admin token)',
        tags: ['analytics'],
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', description: 'ISO 8601 start (inclusive)' },
            to: { type: 'string', description: 'ISO 8601 end (exclusive), default now' },
            days: { type: 'string', description: 'window length in days (default 30)' },
          },
        },
        security: [{ adminToken: [] }],
        response: { 200: cardAnalyticsJsonSchema, 400: errorJsonSchema, 401: errorJsonSchema },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      if (!isAdmin(request.headers.authorization)) {
        throw new HttpProblem(401, 'An admin bearer token is required', {
          headers: { 'WWW-Authenticate': 'Bearer realm="analytics"' },
        });
      }
      const parsed = windowQuerySchema.safeParse(request.query);
      if (!parsed.success) {
        const { message, expression } = describeZodError(parsed.error);
        throw new HttpProblem(400, message, { expression });
      }
      const window = resolveWindow(parsed.data, app.clock());
      if (window.from.getTime() >= window.to.getTime())
        throw new HttpProblem(400, '"from" must be before "to"');
      reply.header('Cache-Control', 'no-store');
      return summarizeCards(await store.analyticsFacts(window), window);
    },
  );
};

export default analyticsRoutes;
