import { z } from 'zod';
import { toJsonSchema } from '../protocol/schemas/json-schemas.js';

/** The `GET /analytics/cards` answer: zod for the types, JSON Schema derived from it for OpenAPI and serialisation. */
const overrideReasonCount = z.strictObject({
  code: z.string().nullable(),
  system: z.string().nullable(),
  count: z.number().int(),
});

const cardGroupSummary = z.strictObject({
  catalogueId: z.string().nullable(),
  indicator: z.string(),
  shown: z.number().int(),
  accepted: z.number().int().describe('distinct cards with an "accepted" outcome'),
  overridden: z.number().int().describe('distinct cards with an "overridden" outcome'),
  acceptanceRate: z
    .number()
    .nullable()
    .describe(
      'accepted / shown (ignored cards count as not accepted: clients never report them); null when none shown',
    ),
  overrideReasons: z
    .array(overrideReasonCount)
    .describe(
      'most frequent first; every reason of an item counts; code null = no reason, or an uncoded one',
    ),
  medianSecondsToFeedback: z
    .number()
    .nullable()
    .describe(
      'median of (outcomeTimestamp - time the card was shown) over all feedback items; null without feedback',
    ),
});

const cardAnalyticsSchema = z.strictObject({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  groups: z.array(cardGroupSummary),
  unattributedFeedback: z.number().int().describe('feedback for cards missing from the card log'),
});

export type OverrideReasonCount = z.output<typeof overrideReasonCount>;
export type CardGroupSummary = z.output<typeof cardGroupSummary>;
export type CardAnalytics = z.output<typeof cardAnalyticsSchema>;

export const cardAnalyticsJsonSchema = toJsonSchema(cardAnalyticsSchema);
