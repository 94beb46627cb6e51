import type { FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../errors.js';
import { describeZodError } from '../protocol/schemas/request.js';
import { feedbackRequestSchema } from '../protocol/schemas/feedback.js';
import {
  feedbackRequestJsonSchema,
  feedbackResponseJsonSchema,
  problemJsonSchema,
} from '../protocol/schemas/json-schemas.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';

/**
 * `POST /cds-services/{id}/feedback`: the 2.0 feedback shape, validated; answered 200 whether or not the card
 * uuid is known (the spec leaves the response open and clients may repeat feedback). The items are handed to
 * whoever listens (card log / feedback store); the log line holds counts only, never the user's comment.
 */
const feedbackRoutes: FastifyPluginAsync<{ services: ServiceDefinition[] }> = async (app, { services }) => {
  const ids = new Set(services.map((s) => s.id));
  app.post<{ Params: { id: string } }>(
    '/cds-services/:id/feedback',
    {
      schema: {
        summary: 'Feedback on cards (accepted / overridden)',
        tags: ['cds-hooks'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        body: feedbackRequestJsonSchema,
        response: { 200: feedbackResponseJsonSchema, '4xx': problemJsonSchema },
      },
      validatorCompiler: () => () => true,
    },
    async (request) => {
      if (!ids.has(request.params.id)) {
        throw new HttpProblem(404, `Unknown CDS service "${request.params.id.slice(0, 64)}"`);
      }
      request.logFields.serviceId = request.params.id;
      const parsed = feedbackRequestSchema.safeParse(request.body);
      if (!parsed.success) {
        const { message, expression } = describeZodError(parsed.error);
        throw new HttpProblem(400, message, { expression });
      }
      const items = parsed.data.feedback;
      request.logFields.feedbackItems = items.length;
      app.cdsEvents.emit('feedback.received', {
        serviceId: request.params.id,
        items,
        ...(request.caller?.issuer ? { issuer: request.caller.issuer } : {}),
        ...(request.caller?.tenant ? { tenant: request.caller.tenant } : {}),
      });
      return { received: items.length };
    },
  );
};

export default feedbackRoutes;
