/** Code-system URIs (knowledge.md §2.9). */
export const SYSTEMS = {
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  loinc: 'http://loinc.org',
  cpt: 'http://www.ama-assn.org/go/cpt',
  atc: 'http://www.whocc.no/atc',
  ucum: 'http://unitsofmeasure.org',
} as const;

/** ICD-10-CM shape (§2.9): a code without `system` is read as ICD-10-CM only when it has this unambiguous form. */
export const ICD10CM_SHAPE = /^[A-TV-Z][0-9][0-9AB]\.?[0-9A-TV-Z]{0,4}$/;

/** ICD-10-CM codes are compared without dots and in upper case (R15: `M80.08XA` = `m8008xa`). */
export const normaliseIcd = (code: string) => code.replace(/[.\s]/g, '').toUpperCase();
