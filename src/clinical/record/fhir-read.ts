import type { CodingLike } from '../terminology/valuesets.js';

/**
 * Defensive readers for FHIR JSON as received. EHRs and the CDS Hooks sandbox send non-strict R4 (a single object
 * where an array is required, strings where a CodeableConcept is expected) and DSTU2/STU3 shapes: every reader
 * accepts both and never throws.
 */

export type Json = Record<string, unknown>;

export const asObject = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

export const asString = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined;

export const asNumber = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

/** A value that should be an array but may arrive as a single item. */
export const asArray = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];

export interface Concept {
  codings: CodingLike[];
  /** Displays and text joined, for the text fallbacks. */
  text: string;
}

const NO_CODINGS: readonly CodingLike[] = Object.freeze([]);

/**
 * The codings of a CodeableConcept (or of a bare Coding) without building its text: a coded match needs nothing
 * else, so callers match codes first and read the text only when they need it. The coding objects are those of
 * the record (read-only: a matcher reads `system` and `code`); a plain string has none.
 */
export function readCodings(v: unknown): readonly CodingLike[] {
  const o = asObject(v);
  if (!o) return NO_CODINGS;
  if (o.coding !== undefined) {
    const list = o.coding;
    if (Array.isArray(list)) {
      let allObjects = true;
      for (let i = 0; i < list.length; i++) {
        if (asObject(list[i]) === undefined) {
          allObjects = false;
          break;
        }
      }
      return allObjects ? (list as CodingLike[]) : list.filter((c) => asObject(c) !== undefined);
    }
    const single = asObject(list);
    return single ? [single] : NO_CODINGS;
  }
  return o.code !== undefined || o.system !== undefined ? [o] : NO_CODINGS;
}

/**
 * The first part of a concept's text (`Concept.text.split(' | ')[0]`), without joining the rest: the concept text
 * when present, else the first display; '' when neither.
 */
export function conceptLabel(v: unknown): string {
  if (typeof v === 'string') return v.split(' | ')[0]!;
  const o = asObject(v);
  if (!o) return '';
  const text = asString(o.text);
  if (text) return text.split(' | ')[0]!;
  for (const c of readCodings(o)) {
    const display = asString(c.display);
    if (display) return display.split(' | ')[0]!;
  }
  return '';
}

/** A CodeableConcept (or a bare Coding, or a plain string) as codings + text. */
export function readConcept(v: unknown): Concept {
  if (typeof v === 'string') return { codings: [], text: v };
  const o = asObject(v);
  if (!o) return { codings: [], text: '' };
  const codings: CodingLike[] = [];
  let text = asString(o.text) ?? '';
  const codingList =
    o.coding !== undefined ? asArray(o.coding) : o.code !== undefined || o.system !== undefined ? [o] : [];
  for (const c of codingList) {
    const coding = asObject(c);
    if (!coding) continue;
    codings.push({ system: coding.system, code: coding.code, display: coding.display });
    const display = asString(coding.display);
    if (display) text = text.length > 0 ? `${text} | ${display}` : display;
  }
  return { codings, text };
}

export function mergeConcepts(...concepts: Concept[]): Concept {
  if (concepts.length === 1) return concepts[0]!;
  const codings: CodingLike[] = [];
  let text = '';
  for (const c of concepts) {
    for (const coding of c.codings) codings.push(coding);
    if (c.text.length > 0) text = text.length > 0 ? `${text} | ${c.text}` : c.text;
  }
  return { codings, text };
}

/** A status that may be a code string or (non-strict / R4 Condition) a CodeableConcept. */
export function readStatus(v: unknown): string | undefined {
  if (typeof v === 'string') return v.toLowerCase();
  const concept = asObject(v);
  if (!concept) return undefined;
  for (const c of asArray(concept.coding)) {
    const code = asString(asObject(c)?.code);
    if (code) return code.toLowerCase();
  }
  return asString(concept.text)?.toLowerCase();
}

export interface QuantityValue {
  value: number;
  unit: string;
}

export function readQuantity(v: unknown): QuantityValue | undefined {
  const q = asObject(v);
  if (!q) return undefined;
  const value = asNumber(q.value);
  if (value === undefined) return undefined;
  return { value, unit: (asString(q.unit) ?? asString(q.code) ?? '').trim() };
}

/** A mass in mg, or undefined when the unit is not a mass unit. */
export function toMilligrams(q: QuantityValue | undefined): number | undefined {
  if (!q) return undefined;
  const unit = q.unit.toLowerCase();
  if (unit === 'mg' || unit === 'milligram' || unit === 'milligrams') return q.value;
  if (unit === 'g' || unit === 'gram') return q.value * 1000;
  if (unit === 'mcg' || unit === 'ug' || unit === 'µg' || unit === 'microgram') return q.value / 1000;
  return undefined;
}

/** `Type/id` of a resource, when it has an id. */
export function referenceOf(resource: Json): string | undefined {
  const type = asString(resource.resourceType);
  const id = asString(resource.id);
  return type && id ? `${type}/${id}` : undefined;
}

/** The `Type/id` tail of a reference string (relative, absolute URL or with _history). */
export function referenceKey(ref: string): string | undefined {
  const m = /([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
  return m ? `${m[1]}/${m[2]}` : undefined;
}
