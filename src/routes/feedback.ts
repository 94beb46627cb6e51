import type { FastifyPluginAsync } from 'fastify';
import { feedbackRequestSchema } from '../protocol/schemas/feedback.js';
import {
  feedbackRequestJsonSchema,
  feedbackResponseJsonSchema,
  problemJsonSchema,
} from '../protocol/schemas/json-schemas.js';
import { parseOrBadRequest } from '../protocol/schemas/parse.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import { callerFields } from './hook-call-report.js';
import { serviceLookup } from './service-lookup.js';

const routeSchema = {
  summary: 'Feedback on cards (accepted / overridden)',
  tags: ['cds-hooks'],
  params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
  body: feedbackRequestJsonSchema,
  response: { 200: feedbackResponseJsonSchema, '4xx': problemJsonSchema },
};

/**
 * `POST /cds-services/{id}/feedback`: the 2.0 feedback shape, validated; answered 200 whether or not the card
 * uuid is known (the spec leaves the response open and clients may repeat feedback). The items are handed to
 * whoever listens (card log / feedback store); the log line holds counts only, never the user's comment.
 */
const feedbackRoutes: FastifyPluginAsync<{ services: ServiceDefinition[] }> = async (app, { services }) => {
  const lookup = serviceLookup(services);
  app.post<{ Params: { id: string } }>(
    '/cds-services/:id/feedback',
    { schema: routeSchema, validatorCompiler: () => () => true },
    async (request) => {
      const serviceId = lookup.get(request.params.id).id;
      request.logFields.serviceId = serviceId;
      const items = parseOrBadRequest(feedbackRequestSchema, request.body).feedback;
      request.logFields.feedbackItems = items.length;
      app.cdsEvents.emit('feedback.received', { serviceId, items, ...callerFields(request.caller) });
      return { received: items.length };
    },
  );
};

export default feedbackRoutes;
