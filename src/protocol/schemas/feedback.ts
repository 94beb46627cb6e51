import { z } from 'zod';
import { MAX_USER_COMMENT } from '../override-reasons.js';

/** CDS Hooks 2.0 feedback (https://cds-hooks.hl7.org/2.0/#feedback), with the 3.0 invariants cds-fb-1..3. */

// RFC 3339 date-time; the offset may be Z or ±hh:mm (the spec asks for UTC but clients vary).
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i, 'must be an RFC 3339 date-time')
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a valid date-time');

/** Longest card or suggestion id read (Epic's ids run to about 190 characters; issue 15). */
const MAX_FEEDBACK_ID = 1024;
/** Most accepted suggestions per item: a card has a handful (issue 11: every list bounded). */
const MAX_ACCEPTED_SUGGESTIONS = 20;
/** Most feedback items per call: clients send one per card acted on. */
const MAX_FEEDBACK_ITEMS = 100;

/**
 * The spec's OverrideReason object must carry a reason or a comment (cds-fb-3); any other shape real clients send
 * (a list, a Coding or text in its place, `overrideReasons`) is read liberally by protocol/override-reasons.ts.
 */
const overrideReason = z.unknown().superRefine((v, ctx) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
  const o = v as Record<string, unknown>;
  const known = ['reason', 'reasons', 'userComment', 'code', 'display', 'text', 'coding'];
  if (!known.some((k) => o[k] !== undefined))
    ctx.addIssue({ code: 'custom', message: 'must have a reason or a userComment' });
  if (typeof o.userComment === 'string' && o.userComment.length > MAX_USER_COMMENT)
    ctx.addIssue({ code: 'custom', message: `userComment must be at most ${MAX_USER_COMMENT} characters` });
});

const feedbackItemSchema = z
  .looseObject({
    card: z.string({ error: 'is required' }).min(1).max(MAX_FEEDBACK_ID),
    outcome: z.enum(['accepted', 'overridden'], { error: 'must be "accepted" or "overridden"' }),
    acceptedSuggestions: z
      .array(z.looseObject({ id: z.string().min(1).max(MAX_FEEDBACK_ID) }))
      .max(MAX_ACCEPTED_SUGGESTIONS)
      .optional(),
    overrideReason: overrideReason.optional(),
    overrideReasons: z.unknown().optional(),
    outcomeTimestamp: rfc3339,
  })
  .refine((f) => f.outcome !== 'accepted' || (f.acceptedSuggestions?.length ?? 0) > 0, {
    message: 'acceptedSuggestions is required when outcome is "accepted"',
    path: ['acceptedSuggestions'],
  });

export const feedbackRequestSchema = z.looseObject(
  { feedback: z.array(feedbackItemSchema, { error: 'must be an array' }).min(1).max(MAX_FEEDBACK_ITEMS) },
  { error: 'request body must be a JSON object' },
);

export type FeedbackItem = z.output<typeof feedbackItemSchema>;

/** The answer to a feedback call: how many items were read. */
export const feedbackResponseSchema = z.strictObject({ received: z.number().int().min(0) });
