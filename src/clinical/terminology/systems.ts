/** Code-system URIs (knowledge.md §2.9). */
export const SYSTEMS = {
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  loinc: 'http://loinc.org',
  cpt: 'http://www.ama-assn.org/go/cpt',
  atc: 'http://www.whocc.no/atc',
  ucum: 'http://unitsofmeasure.org',
  ndc: 'http://hl7.org/fhir/sid/ndc',
  hcpcs: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
} as const;

/**
 * Other names of the same code systems as records write them (issue #16 item 3): HL7 OIDs, with or without
 * `urn:oid:` (records converted from C-CDA carry them; Epic orders from the RxNorm and NDC OIDs), and a few URI
 * spellings seen in the wild. OIDs from the HL7 OID registry as listed in the issue; 6.14 (HCPCS, all levels) and
 * 6.73 (WHO ATC) are the registry's other names for systems the value sets use.
 */
const OID_SYSTEMS: Readonly<Record<string, string>> = {
  '2.16.840.1.113883.6.88': SYSTEMS.rxnorm,
  '2.16.840.1.113883.6.90': SYSTEMS.icd10cm,
  '2.16.840.1.113883.6.96': SYSTEMS.snomed,
  '2.16.840.1.113883.6.1': SYSTEMS.loinc,
  '2.16.840.1.113883.6.69': SYSTEMS.ndc,
  '2.16.840.1.113883.6.285': SYSTEMS.hcpcs,
  '2.16.840.1.113883.6.14': SYSTEMS.hcpcs,
  '2.16.840.1.113883.6.12': SYSTEMS.cpt,
  '2.16.840.1.113883.6.73': SYSTEMS.atc,
};

const URI_ALIASES: Readonly<Record<string, string>> = {
  'https://loinc.org': SYSTEMS.loinc,
  'http://loinc.org/': SYSTEMS.loinc,
  'https://snomed.info/sct': SYSTEMS.snomed,
  'http://www.nlm.nih.gov/research/umls/rxnorm/': SYSTEMS.rxnorm,
  'https://www.nlm.nih.gov/research/umls/rxnorm': SYSTEMS.rxnorm,
  'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets': SYSTEMS.hcpcs,
  'http://www.cms.gov/medicare/coding/hcpcsreleasecodesets': SYSTEMS.hcpcs,
  'https://www.cms.gov/medicare/coding/hcpcsreleasecodesets': SYSTEMS.hcpcs,
  'http://hl7.org/fhir/sid/ndc/': SYSTEMS.ndc,
};

const CANONICAL = new Set<string>(Object.values(SYSTEMS));

/**
 * The canonical URI of a coding's system: the URI itself when it is one of SYSTEMS (the common case, one set
 * lookup), an OID (bare, `urn:oid:` or `oid:`, any case) or a known alias mapped to its URI, else the trimmed
 * value unchanged. Undefined for a missing or non-string system.
 */
export function canonicalSystem(system: unknown): string | undefined {
  if (typeof system !== 'string') return undefined;
  if (CANONICAL.has(system)) return system;
  // Longer than any system worth mapping: compared as written (no work proportional to hostile input).
  const s = system.length > 200 ? system : system.trim();
  if (s.length === 0) return undefined;
  if (CANONICAL.has(s)) return s;
  const lower = s.toLowerCase();
  const oid = lower.startsWith('urn:oid:')
    ? lower.slice(8)
    : lower.startsWith('oid:')
      ? lower.slice(4)
      : lower;
  return OID_SYSTEMS[oid] ?? URI_ALIASES[s] ?? URI_ALIASES[lower] ?? s;
}

/** ICD-10-CM shape (§2.9): a code without `system` is read as ICD-10-CM only when it has this unambiguous form. */
export const ICD10CM_SHAPE = /^[A-TV-Z][0-9][0-9AB]\.?[0-9A-TV-Z]{0,4}$/;

/** ICD-10-CM codes are compared without dots and in upper case (R15: `M80.08XA` = `m8008xa`). */
export const normaliseIcd = (code: string) => code.replace(/[.\s]/g, '').toUpperCase();

/**
 * NDC product codes a record's NDC may stand for, in the 5-4 form the value sets hold (`55513-0710`): a package
 * code (10 digits in 4-4-2, 5-3-2 or 5-4-1 segments, or 11 digits 5-4-2, with or without hyphens) or a product
 * code (4-4, 5-3 or 5-4). With hyphens the segments say how to pad; an 11-digit or 9-digit code without hyphens
 * is unambiguous; a 10-digit (or 8-digit) code without hyphens can be read three (two) ways and all readings are
 * returned — the caller accepts it only when exactly one reading names a known product. Linear in the input,
 * which is capped at 20 characters.
 */
export function ndcProductCandidates(code: string): string[] {
  if (code.length === 0 || code.length > 20) return [];
  const text = code.trim();
  const parts = text.split('-');
  for (const p of parts) {
    if (p.length === 0) return [];
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return [];
    }
  }
  const pad = (s: string, n: number) => (s.length < n ? '0'.repeat(n - s.length) + s : s);
  const product = (labeler: string, prod: string) =>
    labeler.length <= 5 && prod.length <= 4 ? `${pad(labeler, 5)}-${pad(prod, 4)}` : undefined;
  const out: string[] = [];
  const push = (v: string | undefined) => {
    if (v && !out.includes(v)) out.push(v);
  };
  if (parts.length === 3 || parts.length === 2) {
    const [labeler, prod, pkg] = parts as [string, string, string?];
    // 4-4-2, 5-3-2, 5-4-1, 5-4-2 packages; 4-4, 5-3, 5-4 products.
    if (labeler.length < 4 || prod.length < 3 || (pkg !== undefined && pkg.length > 2)) return [];
    push(product(labeler, prod));
    return out;
  }
  if (parts.length !== 1) return [];
  const d = text;
  if (d.length === 11) push(product(d.slice(0, 5), d.slice(5, 9)));
  else if (d.length === 9) push(product(d.slice(0, 5), d.slice(5, 9)));
  else if (d.length === 10) {
    push(product(d.slice(0, 4), d.slice(4, 8))); // 4-4-2
    push(product(d.slice(0, 5), d.slice(5, 8))); // 5-3-2
    push(product(d.slice(0, 5), d.slice(5, 9))); // 5-4-1
  } else if (d.length === 8) {
    push(product(d.slice(0, 4), d.slice(4, 8))); // 4-4
    push(product(d.slice(0, 5), d.slice(5, 8))); // 5-3
  }
  return out;
}

/** A package NDC in the 11-digit 5-4-2 form without hyphens, when the record's form says how to pad it. */
export function ndcPackage11(code: string): string | undefined {
  if (code.length === 0 || code.length > 20) return undefined;
  const parts = code.trim().split('-');
  if (parts.some((p) => p.length === 0 || !/^\d+$/.test(p))) return undefined;
  if (parts.length === 1) return parts[0]!.length === 11 ? parts[0] : undefined;
  if (parts.length !== 3) return undefined;
  const [a, b, c] = parts as [string, string, string];
  if (a.length > 5 || b.length > 4 || c.length > 2 || a.length + b.length + c.length < 10) return undefined;
  return a.padStart(5, '0') + b.padStart(4, '0') + c.padStart(2, '0');
}
