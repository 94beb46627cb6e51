import type { CodingLike } from '../terminology/valuesets.js';

/**
 * Defensive readers for FHIR JSON as received. EHRs and the CDS Hooks sandbox send non-strict R4 (a single object
 * where an array is required, strings where a CodeableConcept is expected) and DSTU2/STU3 shapes: every reader
 * accepts both and never throws.
 */

export type Json = Record<string, unknown>;

/**
 * A resource as received: the element names of its FHIR definitions (@types/fhir: R4, and the STU3/DSTU2 shapes a
 * reader also accepts), so that a misspelt element fails the build, with every value `unknown`, because what EHRs
 * send is not always conformant and each value is read defensively (the `as…` and `read…` helpers).
 */
export type Received<T> = { readonly [K in Extract<keyof T, string>]?: unknown };

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

/**
 * Longest concept text kept for the text fallbacks (issue 11): every pattern then runs on at most this much text,
 * whatever the size of a display or the number of codings. Real drug and condition texts are far shorter.
 */
export const MAX_CONCEPT_TEXT = 4096;

const capped = (text: string) => (text.length > MAX_CONCEPT_TEXT ? text.slice(0, MAX_CONCEPT_TEXT) : text);

/** A CodeableConcept (or a bare Coding, or a plain string) as codings + text. */
export function readConcept(v: unknown): Concept {
  if (typeof v === 'string') return { codings: [], text: capped(v) };
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
    if (display && text.length < MAX_CONCEPT_TEXT) text = text.length > 0 ? `${text} | ${display}` : display;
  }
  return { codings, text: capped(text) };
}

export function mergeConcepts(...concepts: Concept[]): Concept {
  if (concepts.length === 1) return concepts[0]!;
  const codings: CodingLike[] = [];
  let text = '';
  for (const c of concepts) {
    for (const coding of c.codings) codings.push(coding);
    if (c.text.length > 0 && text.length < MAX_CONCEPT_TEXT)
      text = text.length > 0 ? `${text} | ${c.text}` : c.text;
  }
  return { codings, text: capped(text) };
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

/** Longest reference read (Epic's ids run to about 190 characters); a longer one resolves to nothing. */
export const MAX_REFERENCE_LENGTH = 1024;

/**
 * The `Type/id` tail of a reference string (relative, absolute URL or with _history). Read by splitting on `/`
 * rather than by an unanchored regex: a regex that may start at every letter of a 160,000-letter reference
 * backtracks in quadratic time and froze the process (issue 11).
 */
export function referenceKey(ref: string): string | undefined {
  if (ref.length > MAX_REFERENCE_LENGTH) return undefined;
  const parts = ref.split('/');
  let end = parts.length;
  // `…/Type/id/_history/vid`: the version must be non-empty, as `[^/]+`.
  if (end >= 4 && parts[end - 2] === '_history' && parts[end - 1] !== '') end -= 2;
  if (end < 2) return undefined;
  const id = parts[end - 1]!;
  // The type is the trailing letters of its segment (`https:` + `//host` never reaches here as a type: ids follow it).
  const segment = parts[end - 2]!;
  let start = segment.length;
  while (start > 0 && isAsciiLetter(segment.charCodeAt(start - 1))) start--;
  const type = segment.slice(start);
  return type.length > 0 && isFhirId(id) ? `${type}/${id}` : undefined;
}

const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * The FHIR id characters `[A-Za-z0-9\-.]`, up to MAX_REFERENCE_LENGTH long: FHIR says 64, but Epic's draft order
 * ids run to about 190 and `selections` name them (issue 15).
 */
function isFhirId(id: string): boolean {
  if (id.length === 0 || id.length > MAX_REFERENCE_LENGTH) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (!(isAsciiLetter(c) || (c >= 48 && c <= 57) || c === 45 || c === 46)) return false;
  }
  return true;
}
