import type { FhirResource } from '../protocol/types.js';
import { DATE_TARGETS, type SiteCoding, type SiteMapping } from './site-mapping.js';

/**
 * The input side of the site mapping: records (prefetch, FHIR fallback, draft orders) that carry a site's local code
 * or keep a fact in a local extension are completed with what the rules read — the catalogue concept's coding next to
 * the local one, the extracted date in the standard element when that element is absent. Nothing is removed or
 * overwritten; resources are copied on write, never changed in place (they may be shared).
 */
export type SiteNormaliser = (resources: readonly FhirResource[]) => FhirResource[];

const MEDICATION_TYPES = new Set([
  'MedicationRequest',
  'MedicationStatement',
  'MedicationAdministration',
  'MedicationDispense',
  'MedicationOrder',
]);
const ISO_DATE = /^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The element holding a resource's code: the medication of a medication resource, else `code`. */
const conceptField = (resourceType: string) =>
  MEDICATION_TYPES.has(resourceType) ? 'medicationCodeableConcept' : 'code';

export function createSiteNormaliser(mapping: SiteMapping): SiteNormaliser | undefined {
  const { localCodes, extractions } = mapping;
  if (localCodes.size === 0 && extractions.length === 0) return undefined;
  const byType = new Map<string, typeof extractions>();
  for (const e of extractions) byType.set(e.resourceType, [...(byType.get(e.resourceType) ?? []), e]);

  /** The concept with the catalogue codings its local codings stand for, or the same object when none apply. */
  function withConcepts(concept: unknown, extra: readonly SiteCoding[] = []): unknown {
    const codings = isObject(concept) && Array.isArray(concept.coding) ? (concept.coding as unknown[]) : [];
    const add: SiteCoding[] = [...extra];
    for (const c of codings) {
      if (!isObject(c) || typeof c.system !== 'string' || typeof c.code !== 'string') continue;
      const mapped = localCodes.get(`${c.system}|${c.code}`);
      if (mapped) add.push(mapped);
    }
    const missing = add.filter(
      (m, i) =>
        add.findIndex((o) => o.system === m.system && o.code === m.code) === i &&
        !codings.some((c) => isObject(c) && c.system === m.system && c.code === m.code),
    );
    if (missing.length === 0) return concept;
    return { ...(isObject(concept) ? concept : {}), coding: [...codings, ...missing] };
  }

  function normalise(resource: FhirResource): FhirResource {
    let out: Json = resource;
    const set = (key: string, value: unknown) => {
      if (out[key] === value) return;
      if (out === resource) out = { ...resource };
      out[key] = value;
    };

    const field = conceptField(resource.resourceType);
    const extractedCodes: SiteCoding[] = [];
    for (const e of byType.get(resource.resourceType) ?? []) {
      let values: unknown[];
      try {
        values = e.evaluate(resource);
      } catch {
        continue; // A site expression that fails on one record reads nothing from it; it never fails the call.
      }
      if (e.into === 'date') {
        const target = DATE_TARGETS[e.resourceType];
        const base = target.replace(/(DateTime|On)$/, '');
        if (Object.keys(out).some((k) => k === target || k.startsWith(base))) continue;
        const date = values.find((v): v is string => typeof v === 'string' && ISO_DATE.test(v));
        if (date !== undefined) set(target, date);
      } else {
        for (const v of values) {
          const local =
            typeof v === 'string' && e.system
              ? { system: e.system, code: v }
              : isObject(v) && typeof v.system === 'string' && typeof v.code === 'string'
                ? { system: v.system, code: v.code }
                : undefined;
          const mapped = local && localCodes.get(`${local.system}|${local.code}`);
          if (mapped) extractedCodes.push(mapped);
        }
      }
    }

    if (localCodes.size > 0 || extractedCodes.length > 0) {
      const concept = out[field];
      if (concept !== undefined || extractedCodes.length > 0)
        set(field, withConcepts(concept, extractedCodes));
      if (Array.isArray(out.contained)) {
        const contained = (out.contained as unknown[]).map((c) =>
          isObject(c) && c.resourceType === 'Medication' ? withCode(c) : c,
        );
        if (contained.some((c, i) => c !== (out.contained as unknown[])[i])) set('contained', contained);
      }
    }
    return out as FhirResource;
  }

  function withCode(medication: Json): Json {
    const code = withConcepts(medication.code);
    return code === medication.code ? medication : { ...medication, code };
  }

  return (resources) => resources.map(normalise);
}
