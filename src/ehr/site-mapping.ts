import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The site order mapping (SITE_ORDER_MAPPING, issue 15 item 4): an optional JSON file, validated with zod at
 * start-up, that tells the service a hospital's own codes.
 *
 * - `orders`: per suggested order of the catalogue (a key of cards/_orders.json), the codings the site orders it
 *   by — an order-set or preference-list id, a local lab code, the NDC of the product it stocks. They are added to
 *   the created order's code (ServiceRequest.code / MedicationRequest.medicationCodeableConcept), after the
 *   catalogue's own coding, so an EHR that cannot read RxNorm/LOINC can still create the order.
 * - `localCodes`: a local medication (or other) code and the catalogue concept it means (a code of a shipped value
 *   set); records carrying the local code are read as that concept.
 * - `extractions`: where a site keeps a fact in a local extension, a FHIRPath expression over the resource that
 *   yields it: a dose date (`into: "date"`) or a local code (`into: "code"`, then looked up in `localCodes`).
 *   Expressions are compiled once, at start-up; a resource's own standard element always wins over an extraction.
 */

const uri = z
  .string()
  .min(1)
  .max(512)
  .refine(
    (v) => /^(https?:\/\/[^\s]+|urn:oid:[0-2](\.(0|[1-9][0-9]*))+|urn:uuid:[0-9a-fA-F-]{36})$/.test(v),
    {
      message: 'must be an http(s) URL, urn:oid:… or urn:uuid:…',
    },
  );
const code = z
  .string()
  .min(1)
  .max(256)
  .refine((v) => v === v.trim() && ![...v].some((c) => c.charCodeAt(0) < 0x20), {
    message: 'must have no surrounding whitespace or control characters',
  });
const display = z.string().min(1).max(256);
const note = z.string().min(1).max(2000).optional();

const coding = z.strictObject({ system: uri, code, display: display.optional() });

/** Resource types the rules read, and where an extracted date goes in each (never over an existing value). */
export const DATE_TARGETS = {
  MedicationAdministration: 'effectiveDateTime',
  MedicationStatement: 'effectiveDateTime',
  MedicationRequest: 'authoredOn',
  MedicationDispense: 'whenHandedOver',
  Procedure: 'performedDateTime',
  Condition: 'onsetDateTime',
  Observation: 'effectiveDateTime',
} as const;
export type ExtractionResourceType = keyof typeof DATE_TARGETS;
const resourceTypes = Object.keys(DATE_TARGETS) as [ExtractionResourceType, ...ExtractionResourceType[]];

const extraction = z
  .strictObject({
    resourceType: z.enum(resourceTypes),
    into: z.enum(['date', 'code']),
    expression: z.string().min(1).max(2000),
    /** For `into: "code"` when the expression yields a bare string: the code system it belongs to. */
    system: uri.optional(),
    note,
  })
  .refine((e) => e.into === 'code' || e.system === undefined, {
    message: '"system" only applies to into: "code"',
    path: ['system'],
  });

const siteMappingFileSchema = z.strictObject({
  site: z.string().min(1).max(200).optional(),
  note,
  orders: z
    .record(z.string().min(1), z.strictObject({ codings: z.array(coding).min(1).max(20), note }))
    .optional(),
  localCodes: z
    .array(
      z.strictObject({
        system: uri,
        code,
        display: display.optional(),
        concept: z.strictObject({ system: uri, code }),
        note,
      }),
    )
    .max(10_000)
    .optional(),
  extractions: z.array(extraction).max(100).optional(),
});

export interface SiteCoding {
  system: string;
  code: string;
  display?: string;
}

/** A compiled FHIRPath expression: resource → values. */
export type CompiledExpression = (resource: unknown) => unknown[];

export interface CompiledExtraction {
  resourceType: ExtractionResourceType;
  into: 'date' | 'code';
  system?: string;
  evaluate: CompiledExpression;
}

/** The mapping as the service uses it: lookups built and expressions compiled once. */
export interface SiteMapping {
  site?: string;
  /** Site codings per catalogue order key. */
  orderCodings: ReadonlyMap<string, readonly SiteCoding[]>;
  /** `system|code` of a local code → the catalogue concept it means. */
  localCodes: ReadonlyMap<string, SiteCoding>;
  extractions: readonly CompiledExtraction[];
}

export class SiteMappingError extends Error {
  override name = 'SiteMappingError';
}

export interface SiteMappingChecks {
  /** Order keys of the catalogue (cards/_orders.json). */
  orderKeys: ReadonlySet<string>;
  /** True when `system|code` is a shipped catalogue concept (a code of a value set in valuesets/). */
  isCatalogueConcept(system: string, code: string): boolean;
}

const first = (error: z.ZodError) => {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
};

/**
 * Read, validate and compile the mapping file. Throws a SiteMappingError with one line naming the field. FHIRPath
 * (the `fhirpath` package, R4 model) is loaded only when the file has extractions.
 */
export async function loadSiteMapping(path: string, checks: SiteMappingChecks): Promise<SiteMapping> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SiteMappingError(`cannot read file "${path}"`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SiteMappingError(`"${path}" is not valid JSON`);
  }
  return compileSiteMapping(json, checks);
}

async function compileSiteMapping(json: unknown, checks: SiteMappingChecks): Promise<SiteMapping> {
  const parsed = siteMappingFileSchema.safeParse(json);
  if (!parsed.success) throw new SiteMappingError(first(parsed.error));
  const file = parsed.data;

  const orderCodings = new Map<string, SiteCoding[]>();
  for (const [key, entry] of Object.entries(file.orders ?? {})) {
    if (!checks.orderKeys.has(key)) {
      throw new SiteMappingError(
        `orders.${key}: not an order of the catalogue (one of ${[...checks.orderKeys].join(', ')})`,
      );
    }
    orderCodings.set(key, entry.codings.map(withoutUndefined));
  }

  const localCodes = new Map<string, SiteCoding>();
  (file.localCodes ?? []).forEach((entry, n) => {
    const key = `${entry.system}|${entry.code}`;
    if (localCodes.has(key)) throw new SiteMappingError(`localCodes.${n}: ${key} is listed twice`);
    if (!checks.isCatalogueConcept(entry.concept.system, entry.concept.code)) {
      throw new SiteMappingError(
        `localCodes.${n}.concept: ${entry.concept.system}|${entry.concept.code} is not a concept of the catalogue's value sets (valuesets/)`,
      );
    }
    localCodes.set(key, { system: entry.concept.system, code: entry.concept.code });
  });

  const extractions: CompiledExtraction[] = [];
  if ((file.extractions ?? []).length > 0) {
    const { compile } = await import('fhirpath');
    const { default: r4 } = await import('fhirpath/fhir-context/r4');
    (file.extractions ?? []).forEach((entry, n) => {
      let evaluate: CompiledExpression;
      try {
        const compiled = compile(entry.expression, r4);
        evaluate = (resource) => compiled(resource) as unknown[];
      } catch (err) {
        throw new SiteMappingError(
          `extractions.${n}.expression: not a valid FHIRPath expression (${String((err as Error).message).split('\n')[0]})`,
        );
      }
      if (entry.into === 'code' && localCodes.size === 0) {
        throw new SiteMappingError(
          `extractions.${n}: into "code" needs localCodes to map the extracted code`,
        );
      }
      extractions.push({
        resourceType: entry.resourceType,
        into: entry.into,
        ...(entry.system ? { system: entry.system } : {}),
        evaluate,
      });
    });
  }
  return { ...(file.site ? { site: file.site } : {}), orderCodings, localCodes, extractions };
}

function withoutUndefined(c: { system: string; code: string; display?: string | undefined }): SiteCoding {
  return c.display === undefined ? { system: c.system, code: c.code } : c;
}
