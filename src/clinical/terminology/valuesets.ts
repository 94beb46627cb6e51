import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../../paths.js';
import { ICD10CM_SHAPE, SYSTEMS, canonicalSystem, ndcProductCandidates, normaliseIcd } from './systems.js';

/**
 * The curated code lists of knowledge.md §2, shipped as versioned FHIR ValueSet JSON in `valuesets/`, loaded and
 * compiled once at start-up into hash maps (system|code → concept). ICD-10-CM entries are prefixes matched on the
 * normalised code; NDC entries are product codes matched on the record's NDC in any of its forms (systems.ts);
 * every other system is matched exactly on (system, code). A record's system is read through canonicalSystem, so
 * an OID (`urn:oid:2.16.840.1.113883.6.88`) matches like the URI.
 */

const EXT = 'https://dmab-cds.example.org/fhir/StructureDefinition/';
const VERIFICATION_LABEL_URL = `${EXT}verification-label`;
const SOURCE_NOTE_URL = `${EXT}source-note`;
const CONCEPT_PROPERTY_URL = `${EXT}concept-property`;

/**
 * Labels of knowledge.md §0.1 that may be shipped, for value-set codes and card-content codings alike; UNVERIFIED
 * codes never become coded matches, nor codings sent in a card (decision 12).
 */
export const SHIPPABLE_VERIFICATION_LABELS = [
  'V-VSAC',
  'V-HL7',
  'V-FDA',
  'V-NLM',
  'V-CMS',
  'V-LAB',
  'V-REPO',
  'PARTIAL',
] as const;
export const SHIPPABLE_LABELS: ReadonlySet<string> = new Set(SHIPPABLE_VERIFICATION_LABELS);

export type ValueSetId =
  | 'denosumab'
  | 'bone-agents'
  | 'vertebral-fracture'
  | 'cardiovascular-events'
  | 'glucocorticoids'
  | 'transplant-status'
  | 'bone-labs'
  | 'vertebral-augmentation'
  | 'osteoporosis-diagnosis';

export interface ConceptInfo {
  valueSet: ValueSetId;
  system: string;
  code: string;
  display: string;
  label: string;
  source: string;
  props: Readonly<Record<string, string>>;
}

export interface CodingLike {
  system?: unknown;
  code?: unknown;
  display?: unknown;
}

export interface CodedMatch {
  concept: ConceptInfo;
  /** The code as compared (ICD-10-CM: normalised, e.g. M8008XA). */
  recordCode: string;
  /** The code as written in the record (e.g. M80.08XA), for display. */
  originalCode: string;
}

interface CompiledValueSet {
  exact: Map<string, ConceptInfo>;
  /** The same concepts by system, then code: no key string is built per lookup. */
  bySystem: Map<string, Map<string, ConceptInfo>>;
  icdPrefixes: Map<string, ConceptInfo>;
}

export interface Terminology {
  /** Combined version of all value sets, e.g. `bone-agents@2025.06.0,…`. */
  readonly version: string;
  readonly valueSetIds: readonly ValueSetId[];
  /** All shipped concepts (for tests and documentation). */
  concepts(): ConceptInfo[];
  /** First coding of `codings` found in the value set, or undefined. */
  match(valueSet: ValueSetId, codings: readonly CodingLike[] | undefined): CodedMatch | undefined;
}

interface RawConcept {
  code?: string;
  display?: string;
  extension?: {
    url?: string;
    valueCode?: string;
    valueString?: string;
    extension?: { url?: string; valueCode?: string; valueString?: string }[];
  }[];
}
interface RawValueSet {
  resourceType?: string;
  id?: string;
  version?: string;
  compose?: { include?: { system?: string; concept?: RawConcept[] }[] };
}

function conceptFrom(valueSet: ValueSetId, system: string, raw: RawConcept): ConceptInfo {
  const props: Record<string, string> = {};
  let label = '';
  let source = '';
  for (const ext of raw.extension ?? []) {
    if (ext.url === VERIFICATION_LABEL_URL) label = ext.valueCode ?? '';
    else if (ext.url === SOURCE_NOTE_URL) source = ext.valueString ?? '';
    else if (ext.url === CONCEPT_PROPERTY_URL) {
      const key = ext.extension?.find((e) => e.url === 'key')?.valueCode;
      const value = ext.extension?.find((e) => e.url === 'value')?.valueString;
      if (key && value !== undefined) props[key] = value;
    }
  }
  return { valueSet, system, code: raw.code ?? '', display: raw.display ?? '', label, source, props };
}

/** Parse the ValueSet files; a malformed file fails start-up rather than silently dropping codes. */
export function loadValueSetFiles(
  dir = projectPath('valuesets'),
): { id: ValueSetId; version: string; concepts: ConceptInfo[] }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RawValueSet;
      if (raw.resourceType !== 'ValueSet' || !raw.id || !raw.version) {
        throw new Error(`valuesets/${file}: not a versioned FHIR ValueSet`);
      }
      const id = raw.id as ValueSetId;
      const concepts: ConceptInfo[] = [];
      for (const include of raw.compose?.include ?? []) {
        if (!include.system) throw new Error(`valuesets/${file}: include without system`);
        for (const c of include.concept ?? []) concepts.push(conceptFrom(id, include.system, c));
      }
      return { id, version: raw.version, concepts };
    });
}

export function compileTerminology(dir?: string): Terminology {
  const files = loadValueSetFiles(dir);
  const compiled = new Map<ValueSetId, CompiledValueSet>();
  // With no `|` in any value-set system or code, a (system, code) lookup finds exactly what the `system|code` key
  // finds; otherwise the joined key is used, as it always was.
  let splitKeysExact = true;
  const all: ConceptInfo[] = [];
  // NDC products of every value set, to refuse an unhyphenated 10-digit NDC whose readings name different products.
  const allNdc = new Map<string, ConceptInfo>();
  for (const file of files) {
    const vs: CompiledValueSet = { exact: new Map(), bySystem: new Map(), icdPrefixes: new Map() };
    for (const concept of file.concepts) {
      // Decision 12: an UNVERIFIED (or unlabelled) code is never a coded match; the text fallback covers it.
      if (!SHIPPABLE_LABELS.has(concept.label)) continue;
      all.push(concept);
      if (concept.system === SYSTEMS.icd10cm) vs.icdPrefixes.set(normaliseIcd(concept.code), concept);
      else if (concept.system === SYSTEMS.ndc) {
        const product = ndcProductCandidates(concept.code);
        if (product.length !== 1)
          throw new Error(`valuesets/${file.id}: NDC ${concept.code} is not a hyphenated code`);
        let codes = vs.bySystem.get(SYSTEMS.ndc);
        if (!codes) vs.bySystem.set(SYSTEMS.ndc, (codes = new Map()));
        codes.set(product[0]!, concept);
        allNdc.set(product[0]!, concept);
      } else {
        vs.exact.set(`${concept.system}|${concept.code}`, concept);
        if (concept.system.includes('|') || concept.code.includes('|')) splitKeysExact = false;
        let codes = vs.bySystem.get(concept.system);
        if (!codes) vs.bySystem.set(concept.system, (codes = new Map()));
        codes.set(concept.code, concept);
      }
    }
    compiled.set(file.id, vs);
  }
  const version = files.map((f) => `${f.id}@${f.version}`).join(',');

  function matchOne(vs: CompiledValueSet, coding: CodingLike): CodedMatch | undefined {
    if (typeof coding.code !== 'string' || coding.code.length === 0) return undefined;
    const code = coding.code.trim();
    const system = canonicalSystem(coding.system);
    // §2.9: a missing system is tolerated only for the unambiguous ICD-10-CM shape.
    const isIcd =
      system === SYSTEMS.icd10cm || (system === undefined && ICD10CM_SHAPE.test(code.toUpperCase()));
    if (isIcd) {
      const norm = normaliseIcd(code);
      for (let len = Math.min(norm.length, 7); len >= 3; len--) {
        const hit = vs.icdPrefixes.get(norm.slice(0, len));
        if (hit) return { concept: hit, recordCode: norm, originalCode: code };
      }
      return undefined;
    }
    if (!system) return undefined;
    if (system === SYSTEMS.ndc) return matchNdc(vs, code);
    const hit = splitKeysExact ? vs.bySystem.get(system)?.get(code) : vs.exact.get(`${system}|${code}`);
    return hit ? { concept: hit, recordCode: code, originalCode: code } : undefined;
  }

  /** An NDC in any form → the product it names, when its readings name exactly one known product. */
  function matchNdc(vs: CompiledValueSet, code: string): CodedMatch | undefined {
    const codes = vs.bySystem.get(SYSTEMS.ndc);
    if (!codes) return undefined;
    let found: ConceptInfo | undefined;
    for (const candidate of ndcProductCandidates(code)) {
      const known = allNdc.get(candidate);
      if (!known) continue;
      if (found && found !== known) return undefined;
      found = known;
    }
    if (!found || codes.get(ndcProductCandidates(found.code)[0]!) !== found) return undefined;
    return { concept: found, recordCode: code, originalCode: code };
  }

  return {
    version,
    valueSetIds: files.map((f) => f.id),
    concepts: () => [...all],
    match(valueSet, codings) {
      const vs = compiled.get(valueSet);
      if (!vs || !codings) return undefined;
      for (const coding of codings) {
        if (!coding || typeof coding !== 'object') continue;
        const hit = matchOne(vs, coding);
        if (hit) return hit;
      }
      return undefined;
    },
  };
}
