import fp from 'fastify-plugin';

/** Per-request facts for the one structured log line written when the response is sent. */
export interface RequestLogFields {
  serviceId?: string;
  hookInstance?: string;
  cards?: number;
  fetchedKeys?: string[];
  /** Prefetch keys whose resource type the FHIR server does not provide (no data, named on the cards). */
  unavailableKeys?: string[];
  feedbackItems?: number;
  authFailure?: string;
  /** MAX_DRAFT_ORDERS / MAX_CARDS cut this response: draft orders received and checked, cards found and returned. */
  bounded?: {
    draftOrdersReceived: number;
    draftOrdersChecked: number;
    cardsFound: number;
    cardsReturned: number;
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    logFields: RequestLogFields;
  }
}

/**
 * One structured line per request, written when the response is sent: request id, method, route pattern (not
 * the raw URL), status, latency, and the CDS facts gathered on the way (service, hookInstance, card count,
 * which prefetch keys had to be fetched). Never PHI, tokens or bodies: only fields set explicitly here.
 */
export default fp(
  async (app) => {
    app.decorateRequest('logFields', null as never);
    app.addHook('onRequest', async (request) => {
      request.logFields = {};
    });
    app.addHook('onResponse', async (request, reply) => {
      const f = request.logFields;
      const line = {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        ...(f.serviceId ? { serviceId: f.serviceId } : {}),
        ...(f.hookInstance ? { hookInstance: f.hookInstance } : {}),
        ...(f.cards !== undefined ? { cards: f.cards } : {}),
        ...(f.fetchedKeys ? { fetchedKeys: f.fetchedKeys } : {}),
        ...(f.unavailableKeys ? { unavailableKeys: f.unavailableKeys } : {}),
        ...(f.feedbackItems !== undefined ? { feedbackItems: f.feedbackItems } : {}),
        ...(f.authFailure ? { authFailure: f.authFailure } : {}),
        ...(f.bounded ? { bounded: f.bounded } : {}),
      };
      if (reply.statusCode >= 500) request.log.error(line, 'request failed');
      else request.log.info(line, 'request completed');
    });
  },
  { name: 'request-log' },
);
