import { z } from 'zod';

/** CDS Hooks 2.0 feedback (https://cds-hooks.hl7.org/2.0/#feedback), with the 3.0 invariants cds-fb-1..3. */

const coding = z.looseObject({
  code: z.string().min(1),
  system: z.string().optional(),
  display: z.string().optional(),
});

// RFC 3339 date-time; the offset may be Z or ±hh:mm (the spec asks for UTC but clients vary).
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i, 'must be an RFC 3339 date-time')
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a valid date-time');

export const feedbackItemSchema = z
  .looseObject({
    card: z.string({ error: 'is required' }).min(1).max(256),
    outcome: z.enum(['accepted', 'overridden'], { error: 'must be "accepted" or "overridden"' }),
    acceptedSuggestions: z.array(z.looseObject({ id: z.string().min(1).max(256) })).optional(),
    overrideReason: z
      .looseObject({ reason: coding.optional(), userComment: z.string().max(10_000).optional() })
      .refine((r) => r.reason !== undefined || r.userComment !== undefined, {
        message: 'must have a reason or a userComment',
      })
      .optional(),
    outcomeTimestamp: rfc3339,
  })
  .refine((f) => f.outcome !== 'accepted' || (f.acceptedSuggestions?.length ?? 0) > 0, {
    message: 'acceptedSuggestions is required when outcome is "accepted"',
    path: ['acceptedSuggestions'],
  });

export const feedbackRequestSchema = z.looseObject(
  { feedback: z.array(feedbackItemSchema, { error: 'must be an array' }).min(1).max(1000) },
  { error: 'request body must be a JSON object' },
);

export type FeedbackItem = z.output<typeof feedbackItemSchema>;
