import { z } from 'zod';

/**
 * CDS Hooks 2.0 response, strictly: no nulls, no empty strings, arrays or objects (spec "JSON null or empty
 * values SHALL NOT be used"), summary under 140 characters, selectionBehavior whenever there are suggestions
 * (cds-resp-6), a description on every action, display on every override reason, appContext only on smart
 * links (cds-resp-3), at most one recommended suggestion unless selectionBehavior is "any" (cds-resp-1).
 * Used by the tests on every response and by the service itself outside production.
 */

const text = z.string().min(1, 'must not be empty');
const absoluteUrl = z.url({ protocol: /^https?$/ });
const resourceObject = z
  .looseObject({ resourceType: text })
  .refine((o) => !containsNullOrEmpty(o), { message: 'resource contains null or empty values' });

const coding = z.strictObject({ system: text, code: text, display: text.optional() });

const action = z
  .strictObject({
    type: z.enum(['create', 'update', 'delete']),
    description: text,
    resource: resourceObject.optional(),
    resourceId: text.optional(),
  })
  .refine((a) => a.type === 'delete' || a.resource !== undefined, {
    message: 'create and update actions need a resource',
  })
  .refine((a) => a.type !== 'delete' || a.resourceId !== undefined, {
    message: 'delete actions need a resourceId',
  });

const suggestion = z.strictObject({
  label: text,
  uuid: text.optional(),
  isRecommended: z.boolean().optional(),
  actions: z.array(action).min(1).optional(),
});

const link = z
  .strictObject({
    label: text,
    url: absoluteUrl,
    type: z.enum(['absolute', 'smart']),
    appContext: text.optional(),
    autolaunchable: z.boolean().optional(),
  })
  .refine((l) => l.type === 'smart' || l.appContext === undefined, {
    message: 'appContext only on smart links',
  });

export const cardSchema = z
  .strictObject({
    uuid: text.optional(),
    summary: text.max(139, 'summary must be under 140 characters'),
    detail: text.optional(),
    indicator: z.enum(['info', 'warning', 'critical']),
    source: z.strictObject({
      label: text,
      url: absoluteUrl.optional(),
      icon: absoluteUrl.optional(),
      topic: coding.optional(),
    }),
    suggestions: z.array(suggestion).min(1).optional(),
    selectionBehavior: z.enum(['at-most-one', 'any']).optional(),
    overrideReasons: z
      .array(z.strictObject({ system: text, code: text, display: text }))
      .min(1)
      .optional(),
    links: z.array(link).min(1).optional(),
  })
  .refine((c) => c.suggestions === undefined || c.selectionBehavior !== undefined, {
    message: 'selectionBehavior is required when suggestions are present (cds-resp-6)',
  })
  .refine(
    (c) => c.selectionBehavior === 'any' || (c.suggestions ?? []).filter((s) => s.isRecommended).length <= 1,
    { message: 'only one suggestion may be recommended unless selectionBehavior is "any" (cds-resp-1)' },
  );

export const cdsResponseSchema = z.strictObject({
  cards: z.array(cardSchema),
  systemActions: z.array(action).min(1).optional(),
});

export const discoveryResponseSchema = z.strictObject({
  services: z
    .array(
      z.strictObject({
        hook: text,
        title: text.optional(),
        description: text,
        id: text,
        prefetch: z.record(text, text).optional(),
        usageRequirements: text.optional(),
      }),
    )
    .min(1),
});

/** True when a JSON value holds null, "", [] or {} anywhere (forbidden in CDS Hooks output). */
export function containsNullOrEmpty(value: unknown): boolean {
  if (value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0 || value.some(containsNullOrEmpty);
  if (typeof value === 'object') {
    const entries = Object.values(value as Record<string, unknown>);
    return entries.length === 0 || entries.some(containsNullOrEmpty);
  }
  return false;
}

/**
 * JSON Schemas for Fastify's serializer (fast-json-stringify) and the OpenAPI document. They describe the shape;
 * FHIR resources inside actions are free-form objects.
 */
const codingJson = {
  type: 'object',
  required: ['system', 'code'],
  properties: { system: { type: 'string' }, code: { type: 'string' }, display: { type: 'string' } },
} as const;

const actionJson = {
  type: 'object',
  required: ['type', 'description'],
  properties: {
    type: { type: 'string', enum: ['create', 'update', 'delete'] },
    description: { type: 'string' },
    resource: { type: 'object', additionalProperties: true },
    resourceId: { type: 'string' },
  },
} as const;

export const cdsResponseJsonSchema = {
  type: 'object',
  required: ['cards'],
  properties: {
    cards: {
      type: 'array',
      items: {
        type: 'object',
        required: ['summary', 'indicator', 'source'],
        properties: {
          uuid: { type: 'string' },
          summary: { type: 'string' },
          detail: { type: 'string' },
          indicator: { type: 'string', enum: ['info', 'warning', 'critical'] },
          source: {
            type: 'object',
            required: ['label'],
            properties: {
              label: { type: 'string' },
              url: { type: 'string' },
              icon: { type: 'string' },
              topic: codingJson,
            },
          },
          suggestions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['label'],
              properties: {
                label: { type: 'string' },
                uuid: { type: 'string' },
                isRecommended: { type: 'boolean' },
                actions: { type: 'array', items: actionJson },
              },
            },
          },
          selectionBehavior: { type: 'string', enum: ['at-most-one', 'any'] },
          overrideReasons: { type: 'array', items: codingJson },
          links: {
            type: 'array',
            items: {
              type: 'object',
              required: ['label', 'url', 'type'],
              properties: {
                label: { type: 'string' },
                url: { type: 'string' },
                type: { type: 'string', enum: ['absolute', 'smart'] },
                appContext: { type: 'string' },
              },
            },
          },
        },
      },
    },
    systemActions: { type: 'array', items: actionJson },
  },
} as const;

export const discoveryResponseJsonSchema = {
  type: 'object',
  required: ['services'],
  properties: {
    services: {
      type: 'array',
      items: {
        type: 'object',
        required: ['hook', 'description', 'id'],
        properties: {
          hook: { type: 'string' },
          title: { type: 'string' },
          description: { type: 'string' },
          id: { type: 'string' },
          prefetch: { type: 'object', additionalProperties: { type: 'string' } },
          usageRequirements: { type: 'string' },
        },
      },
    },
  },
} as const;

/** Error bodies (OperationOutcome-style), shared by every route. */
export const errorJsonSchema = {
  type: 'object',
  properties: {
    resourceType: { type: 'string' },
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
    issue: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          severity: { type: 'string' },
          code: { type: 'string' },
          diagnostics: { type: 'string' },
          expression: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;
