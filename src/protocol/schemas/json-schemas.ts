import { z } from 'zod';
import { feedbackRequestSchema, feedbackResponseSchema } from './feedback.js';
import { problemSchema } from './problem.js';
import { hookRequestSchemas } from './request.js';
import { cdsResponseSchema, discoveryResponseSchema } from './response.js';

/**
 * The zod schemas as JSON Schema, for Fastify's response serialiser (fast-json-stringify) and the OpenAPI document
 * (@fastify/swagger). Computed once, at module load. The OpenAPI 3.0 dialect is the one both read: `nullable`
 * instead of `type: [..., "null"]`, no `$schema`. Refinements (cross-field rules) have no JSON Schema form and
 * stay in zod; requests are described as accepted (`input`), responses as sent (`output`).
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io }) as Record<string, unknown>;
}

export const cdsResponseJsonSchema = toJsonSchema(cdsResponseSchema);
export const discoveryResponseJsonSchema = toJsonSchema(discoveryResponseSchema);
export const problemJsonSchema = toJsonSchema(problemSchema);
export const feedbackResponseJsonSchema = toJsonSchema(feedbackResponseSchema);

/** One body schema for `POST /cds-services/{id}`: the request of whichever hook the service answers. */
export const hookRequestJsonSchema = {
  description: 'CDS Hooks 2.0 request',
  anyOf: Object.values(hookRequestSchemas).map((schema) => toJsonSchema(schema, 'input')),
};
export const feedbackRequestJsonSchema = {
  description: 'CDS Hooks 2.0 feedback',
  ...toJsonSchema(feedbackRequestSchema, 'input'),
};
