import { z } from 'zod';
import { CATALOGUE_IDS } from '../clinical/findings.js';
import { SHIPPABLE_LABELS, SHIPPABLE_VERIFICATION_LABELS } from '../clinical/terminology/valuesets.js';

/**
 * The shape of the editable card content in cards/ (JSON). Checked with zod once at start-up; anything the schema
 * cannot express (facts a template may use, summary length, references between files) is checked by the loader.
 */

const text = z.string().trim().min(1);
const httpsUrl = z.url({ protocol: /^https$/ });
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const verificationLabel = z.string().refine((l) => SHIPPABLE_LABELS.has(l), {
  message: `must be one of ${SHIPPABLE_VERIFICATION_LABELS.join(', ')} (UNVERIFIED codes may not be shipped: use text only)`,
});

export const metaFileSchema = z.strictObject({
  contentVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'semantic version, e.g. 1.0.0'),
  catalogueSystem: text,
  overrideReasonSystem: text,
  sourceLabel: text,
  evidenceHeading: text,
  notesHeading: text,
  sourcesHeading: text,
  textMatchSentence: text,
  textMatchedEvidenceMark: text,
  undatedEvidence: text,
  moreEvidence: text,
  footer: text,
});

export const sourcesFileSchema = z.strictObject({
  sources: z.record(
    z.string().regex(/^[a-z0-9-]+$/),
    z.strictObject({
      shortName: text,
      /** Markdown; trusted content (not patient data). */
      citation: text,
      url: httpsUrl.optional(),
      linkLabel: text.optional(),
    }),
  ),
});

export const overrideReasonsFileSchema = z.strictObject({
  reasons: z.record(z.string().regex(/^[a-z0-9-]+$/), text),
});

const codingSchema = z.strictObject({
  system: z.url(),
  code: text,
  /** Omit when the display is not verified (PARTIAL display): the text of the concept carries the meaning. */
  display: text.optional(),
  verification: z.array(verificationLabel).min(1),
});

const conceptSchema = z.strictObject({ text, coding: codingSchema.optional() });

const medicationOrderSchema = z.strictObject({
  resourceType: z.literal('MedicationRequest'),
  description: text,
  medication: conceptSchema,
  dosage: z.strictObject({
    text,
    route: conceptSchema,
    dose: z.strictObject({ value: z.number().positive(), unit: text, ucum: text }),
  }),
});

const serviceOrderSchema = z.strictObject({
  resourceType: z.literal('ServiceRequest'),
  description: text,
  category: conceptSchema.optional(),
  code: conceptSchema,
});

export const ordersFileSchema = z.strictObject({
  orders: z.record(
    z.string().regex(/^[a-z0-9-]+$/),
    z.discriminatedUnion('resourceType', [medicationOrderSchema, serviceOrderSchema]),
  ),
});

/** Show a line / variant / suggestion only when a fact is present (and equals / differs from a value). */
const conditionFields = {
  if: text.optional(),
  ifNot: text.optional(),
  equals: scalar.optional(),
  notEquals: scalar.optional(),
};

const conditionalText = z.strictObject({ ...conditionFields, text });

const occurrenceSchema = z.strictObject({
  /**
   * `today`, `infusion` (the date of the zoledronic acid order of the same suggestion: CTX 3 and 6 months after it)
   * or the name of a date fact of this card. A date in the past means "now".
   */
  from: text,
  addMonths: z.number().int().min(0).max(24).optional(),
  addDays: z.number().int().min(0).max(366).optional(),
});

const actionSchema = z.union([
  z.strictObject({ create: text, description: text.optional(), occurrence: occurrenceSchema.optional() }),
  z.strictObject({ deleteDraftOrder: z.literal(true), description: text }),
  /** Stop an existing order the finding names by a reference fact (e.g. the active oral bisphosphonate). */
  z.strictObject({ stopRecord: text, description: text }),
]);

const suggestionSchema = z.strictObject({
  ...conditionFields,
  label: text,
  isRecommended: z.boolean().optional(),
  actions: z.array(actionSchema).min(1),
});

export const cardFileSchema = z
  .strictObject({
    id: z.enum(CATALOGUE_IDS),
    title: text,
    hooks: z.array(z.enum(['patient-view', 'order-select', 'order-sign'])).min(1),
    trigger: text,
    indicator: z.enum(['info', 'warning', 'critical']),
    summary: z.union([text, z.array(conditionalText).min(1)]),
    detail: z.array(z.union([text, conditionalText])).min(1),
    sources: z.array(text).min(1),
    primarySource: text,
    suggestions: z.array(suggestionSchema).min(1).optional(),
    selectionBehavior: z.enum(['at-most-one', 'any']).optional(),
    overrideReasons: z.array(text).min(1),
  })
  .refine((c) => (c.suggestions === undefined) === (c.selectionBehavior === undefined), {
    message: 'selectionBehavior is required with suggestions, and only with suggestions',
  })
  .refine((c) => (c.suggestions ?? []).filter((s) => s.isRecommended).length <= 1, {
    message: 'mark at most one suggestion isRecommended',
  })
  .refine((c) => c.suggestions === undefined || c.suggestions.some((s) => s.isRecommended), {
    message: 'mark the primary suggestion isRecommended',
  })
  .refine((c) => c.sources.includes(c.primarySource), { message: 'primarySource must be one of sources' });

export type MetaFile = z.infer<typeof metaFileSchema>;
export type OrdersFile = z.infer<typeof ordersFileSchema>;
export type OrderDefinition = OrdersFile['orders'][string];
export type Concept = z.infer<typeof conceptSchema>;
export type CardFile = z.infer<typeof cardFileSchema>;
export type OccurrenceDefinition = z.infer<typeof occurrenceSchema>;
export interface Condition {
  if?: string | undefined;
  ifNot?: string | undefined;
  equals?: string | number | boolean | undefined;
  notEquals?: string | number | boolean | undefined;
}
