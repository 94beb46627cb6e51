import { z } from 'zod';

/**
 * CDS Hooks 2.0 response, strictly: no nulls, no empty strings, arrays or objects (spec "JSON null or empty
 * values SHALL NOT be used"), summary under 140 characters, selectionBehavior whenever there are suggestions
 * (cds-resp-6), a description on every action, display on every override reason, appContext only on smart
 * links (cds-resp-3), at most one recommended suggestion unless selectionBehavior is "any" (cds-resp-1).
 * Used by the tests on every response and by the service itself outside production; the TypeScript types below
 * and the JSON schema Fastify serialises with (schemas/json-schemas.ts) are derived from it.
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

const cardSchema = z
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

/** The TypeScript shapes of a response, inferred from the schemas above (one source for both). */
export type CdsResponse = z.output<typeof cdsResponseSchema>;
export type Card = z.output<typeof cardSchema>;
export type Indicator = Card['indicator'];
export type Source = Card['source'];
export type Coding = z.output<typeof coding>;
export type OverrideReason = NonNullable<Card['overrideReasons']>[number];
export type Suggestion = z.output<typeof suggestion>;
export type Action = z.output<typeof action>;
export type Link = z.output<typeof link>;
