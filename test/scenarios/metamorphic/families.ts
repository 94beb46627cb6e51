import { createHash } from 'node:crypto';
import type { FhirResource } from '../../../src/protocol/types.js';
import { SYSTEMS } from '../../../src/clinical/terminology/systems.js';
import * as F from '../../clinical/support/fhir.js';

/**
 * Shape families: ways EHRs, pharmacies, claims feeds, C-CDA conversions and FHIR servers write the same clinical
 * facts. Each family rewrites a case (the chart resources and the draft orders) and returns undefined when it does
 * not apply to it (nothing to rewrite). The facts stay the same, so the cards must stay the same.
 */
export interface Case {
  resources: FhirResource[];
  drafts: FhirResource[];
}

export interface Family {
  name: string;
  /** Where the shape comes from (EHR documentation, standard, or what real feeds do). */
  why: string;
  rewrite(c: Case): Case | undefined;
  /** Resource types the variant needs a prefetch template for (else it cannot arrive in either path). */
  needsTemplates?: string[];
  /** The fallback path needs Medication reads from fhirServer (item 1, FHIR access layer). */
  needsMedicationRead?: boolean;
  /** Known not to reach the service in the fallback path, and why (a finding to report, not a skip). */
  fallbackGap?: string;
  /** A change to the prefetch request only (the fallback path reads the server's own shape). */
  prefetchOnly?: boolean;
  /**
   * Bundles written transaction-style: Medication entries carry `fullUrl: urnOf(id)` and no id, and sit in the
   * Bundle of the resource that refers to them (a URN means something only within its Bundle).
   */
  urnFullUrls?: boolean;
}

/** A stable `urn:uuid:` for a resource id (the same id always gives the same URN). */
export function urnOf(id: string): string {
  const hex = createHash('sha256').update(id).digest('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);
const NDC = SYSTEMS.ndc;
const HCPCS = SYSTEMS.hcpcs;
const isMedType = (t: string) =>
  t === 'MedicationAdministration' || t === 'MedicationStatement' || t === 'MedicationRequest';

/** Package NDCs (FDA 10-digit form, as on the label) of the RxNorm products the scenarios use. */
const NDC_BY_RXCUI: Record<string, string> = {
  '993452': '55513-710-01', // Prolia
  '993456': '55513-710-21',
  '1046402': '55513-730-01', // Xgeva
  '1046398': '55513-730-21',
  '2715513': '61314-240-01', // Jubbonti (product 61314-240; package suffix as written by the feed)
  '705824': '43598-331-11', // zoledronic acid 5 mg/100 mL
  '904431': '0054-0282-63', // alendronate 70 mg (weekly oral solution; product 0054-0282)
  '1435115': '0002-8400-01', // teriparatide (Forteo)
  '312617': '0378-0640-01', // prednisone 5 mg
};

const OID: Record<string, string> = {
  [F.RXNORM]: '2.16.840.1.113883.6.88',
  [F.ICD10CM]: '2.16.840.1.113883.6.90',
  [F.SNOMED]: '2.16.840.1.113883.6.96',
  [F.LOINC]: '2.16.840.1.113883.6.1',
  [F.CPT]: '2.16.840.1.113883.6.12',
};

/** Every Coding object anywhere in a value (codings of concepts, components, drafts). */
function* codings(v: unknown): Generator<Json> {
  if (Array.isArray(v)) for (const x of v) yield* codings(x);
  else if (v && typeof v === 'object') {
    const o = v as Json;
    if (Array.isArray(o.coding)) for (const c of o.coding) if (c && typeof c === 'object') yield c as Json;
    for (const [k, x] of Object.entries(o)) if (k !== 'coding') yield* codings(x);
  }
}

/** Apply `fn` to each resource (chart and drafts); the variant applies when `fn` changed something. */
function each(c: Case, fn: (r: Json, where: 'chart' | 'draft') => boolean): Case | undefined {
  const out = clone(c);
  let changed = false;
  for (const r of out.resources) changed = fn(r as Json, 'chart') || changed;
  for (const r of out.drafts) changed = fn(r as Json, 'draft') || changed;
  return changed ? out : undefined;
}

function ndcFamily(name: string, form: (ndc: string) => string, why: string): Family {
  return {
    name,
    why,
    rewrite: (c) =>
      each(c, (r) => {
        const concept = r.medicationCodeableConcept as { coding?: Json[] } | undefined;
        const rx = concept?.coding?.find((x) => x.system === F.RXNORM && NDC_BY_RXCUI[x.code as string]);
        if (!rx) return false;
        // Code only: the variant must be recognised by its NDC, not by a display.
        r.medicationCodeableConcept = {
          coding: [{ system: NDC, code: form(NDC_BY_RXCUI[rx.code as string]!) }],
        };
        return true;
      }),
  };
}

const to11 = (ndc: string) => {
  const [a, b, c] = ndc.split('-') as [string, string, string];
  return a.padStart(5, '0') + b.padStart(4, '0') + c.padStart(2, '0');
};

/** medicationCodeableConcept → a Medication resource, referenced as `ref(id)`; `place` puts the Medication. */
function medicationAsResource(
  c: Case,
  ref: (id: string) => string,
  place: 'contained' | 'chart-and-draft-bundle' | 'draft-bundle',
): Case | undefined {
  const out = clone(c);
  let changed = false;
  const move = (r: Json, where: 'chart' | 'draft') => {
    if (!isMedType(String(r.resourceType)) || !r.medicationCodeableConcept) return;
    if (place === 'draft-bundle' && where !== 'draft') return;
    const id = `med-${String(r.id)}`;
    const medication = { resourceType: 'Medication', id, code: r.medicationCodeableConcept };
    delete r.medicationCodeableConcept;
    r.medicationReference = { reference: place === 'contained' ? '#m1' : ref(id) };
    if (place === 'contained') r.contained = [{ ...medication, id: 'm1' }];
    else if (where === 'draft') out.drafts.push(medication as FhirResource);
    else out.resources.push(medication as FhirResource);
    changed = true;
  };
  for (const r of [...out.resources]) move(r as Json, 'chart');
  for (const r of [...out.drafts]) move(r as Json, 'draft');
  return changed ? out : undefined;
}

function labFamily(name: string, why: string, fn: (o: Json) => boolean, fallbackGap?: string): Family {
  return {
    name,
    why,
    ...(fallbackGap ? { fallbackGap } : {}),
    rewrite: (c) => each(c, (r) => r.resourceType === 'Observation' && fn(r)),
  };
}

const quantityOf = (o: Json) => o.valueQuantity as { value?: number; unit?: string } | undefined;

export const FAMILIES: Family[] = [
  // --- item 3: codes in every form --------------------------------------------------------------------------
  ndcFamily(
    'ndc-10-hyphenated',
    (n) => n,
    'NDC as printed on the label (4-4-2 / 5-3-2 / 5-4-1); pharmacy feeds',
  ),
  ndcFamily(
    'ndc-11-digit',
    to11,
    'HIPAA 11-digit 5-4-2 form without hyphens (claims, Epic orders from the NDC OID)',
  ),
  ndcFamily(
    'ndc-11-hyphenated',
    (n) => `${to11(n).slice(0, 5)}-${to11(n).slice(5, 9)}-${to11(n).slice(9)}`,
    '11-digit 5-4-2 form with hyphens',
  ),
  ndcFamily(
    'ndc-10-digit-plain',
    (n) => n.replace(/-/g, ''),
    '10-digit NDC with its hyphens lost (ambiguous form)',
  ),
  ndcFamily(
    'ndc-product-code',
    (n) => n.split('-').slice(0, 2).join('-'),
    'product NDC (labeler-product) only',
  ),
  {
    name: 'oid-systems',
    why: 'code systems as urn:oid (records converted from C-CDA; Epic RxNorm/NDC OIDs)',
    rewrite: (c) =>
      each(c, (r) => {
        let changed = false;
        for (const coding of codings(r)) {
          const oid = OID[coding.system as string];
          if (oid) {
            coding.system = `urn:oid:${oid}`;
            changed = true;
          }
        }
        return changed;
      }),
  },
  {
    name: 'bare-oid-systems',
    why: 'code systems as a bare OID without urn:oid:',
    rewrite: (c) =>
      each(c, (r) => {
        let changed = false;
        for (const coding of codings(r)) {
          const oid = OID[coding.system as string];
          if (oid) {
            coding.system = oid;
            changed = true;
          }
        }
        return changed;
      }),
  },
  {
    name: 'local-coding-first',
    why: 'an EHR-local drug/diagnosis code before the standard one (Epic sends its own ERX/EDG ids with RxNorm/ICD)',
    rewrite: (c) =>
      each(c, (r) => {
        let changed = false;
        for (const key of ['medicationCodeableConcept', 'code']) {
          const concept = r[key] as { coding?: Json[] } | undefined;
          if (concept?.coding?.length) {
            concept.coding.unshift({ system: 'urn:oid:1.2.840.114350.1.13.0.1.7.2.698288', code: '10987' });
            changed = true;
          }
        }
        return changed;
      }),
  },
  {
    name: 'coding-as-object',
    why: 'non-strict JSON: a single Coding object where R4 wants an array (sandbox and older feeds)',
    // A FHIR server stores R4 (an array); the non-strict shape comes only from EHR-built prefetch.
    prefetchOnly: true,
    rewrite: (c) =>
      each(c, (r) => {
        let changed = false;
        for (const key of ['medicationCodeableConcept', 'code']) {
          const concept = r[key] as { coding?: unknown } | undefined;
          if (Array.isArray(concept?.coding) && concept.coding.length === 1) {
            concept.coding = concept.coding[0];
            changed = true;
          }
        }
        return changed;
      }),
  },
  {
    name: 'icd-compact',
    why: 'ICD-10-CM without the dot and in lower case (billing extracts)',
    rewrite: (c) =>
      each(c, (r) => {
        let changed = false;
        for (const coding of codings(r.code))
          if (coding.system === F.ICD10CM && typeof coding.code === 'string') {
            coding.code = coding.code.replace('.', '').toLowerCase();
            changed = true;
          }
        return changed;
      }),
  },
  // --- item 1: medication identity wherever it lives -----------------------------------------------------------
  {
    name: 'contained-medication',
    why: 'medicationReference to a contained Medication (Cerner/Oracle and many R4 servers)',
    rewrite: (c) => medicationAsResource(c, () => '', 'contained'),
  },
  {
    name: 'medication-entry',
    why: 'medicationReference to a Medication entry of the same Bundle (_include) or of the draft Bundle',
    needsMedicationRead: true,
    rewrite: (c) => medicationAsResource(c, (id) => `Medication/${id}`, 'chart-and-draft-bundle'),
  },
  {
    name: 'medication-entry-absolute-url',
    why: 'the same with an absolute reference (https://ehr.example/fhir/Medication/…)',
    needsMedicationRead: true,
    rewrite: (c) =>
      medicationAsResource(c, (id) => `https://ehr.example/fhir/Medication/${id}`, 'chart-and-draft-bundle'),
  },
  {
    name: 'urn-uuid-references',
    why: 'transaction-style Bundles and C-CDA conversions: the Medication named by `fullUrl: urn:uuid:…`, no id',
    prefetchOnly: true,
    urnFullUrls: true,
    rewrite: (c) => medicationAsResource(c, urnOf, 'chart-and-draft-bundle'),
  },
  {
    name: 'draft-bundle-medication',
    why: 'Epic since Feb 2024: the draft order references a Medication placed beside it in draftOrders',
    rewrite: (c) => medicationAsResource(c, (id) => `Medication/${id}`, 'draft-bundle'),
  },
  // --- item 2: dose evidence beyond administrations -----------------------------------------------------------
  {
    name: 'dispense',
    why: 'specialty pharmacy: the dose is known from a MedicationDispense handed over (decision 18)',
    needsTemplates: ['MedicationDispense'],
    rewrite: (c) => {
      const out = clone(c);
      let changed = false;
      out.resources = out.resources.map((r) => {
        if (r.resourceType !== 'MedicationAdministration' || r.status !== 'completed') return r;
        const dose = (r.dosage as { dose?: unknown } | undefined)?.dose;
        changed = true;
        return {
          resourceType: 'MedicationDispense',
          id: `md-${String(r.id)}`,
          status: 'completed',
          subject: r.subject,
          medicationCodeableConcept: r.medicationCodeableConcept,
          quantity: { value: 1, unit: 'syringe' },
          whenHandedOver: r.effectiveDateTime,
          ...(dose ? { dosageInstruction: [{ doseAndRate: [{ doseQuantity: dose }] }] } : {}),
        } as FhirResource;
      });
      return changed ? out : undefined;
    },
  },
  {
    name: 'j0897-charge-item',
    why: 'claims feed: ChargeItem HCPCS J0897 with the billed units (decision 18)',
    needsTemplates: ['ChargeItem'],
    rewrite: (c) => {
      const out = clone(c);
      let changed = false;
      out.resources = out.resources.map((r) => {
        const dose = (r.dosage as { dose?: { value?: number } } | undefined)?.dose?.value;
        const code = (r.medicationCodeableConcept as { coding?: Json[] } | undefined)?.coding?.[0]?.code;
        if (r.resourceType !== 'MedicationAdministration' || r.status !== 'completed') return r;
        if (
          !['993452', '993456', '1046402', '1046398'].includes(String(code)) ||
          (dose !== 60 && dose !== 120)
        )
          return r;
        changed = true;
        return {
          resourceType: 'ChargeItem',
          id: `ci-${String(r.id)}`,
          status: 'billed',
          subject: r.subject,
          code: { coding: [{ system: HCPCS, code: 'J0897' }] },
          quantity: { value: dose },
          occurrenceDateTime: r.effectiveDateTime,
        } as FhirResource;
      });
      return changed ? out : undefined;
    },
  },
  // --- item 4: labs as labs send them ---------------------------------------------------------------------------
  labFamily('lab-value-string-with-unit', 'a number and unit in valueString ("28 mL/min/{1.73_m2}")', (o) => {
    const q = quantityOf(o);
    if (q?.value === undefined) return false;
    delete o.valueQuantity;
    o.valueString = `${q.value} ${q.unit ?? ''}`.trim();
    return true;
  }),
  labFamily('lab-value-string-bare', 'a bare number in valueString ("28"), no unit', (o) => {
    const q = quantityOf(o);
    if (q?.value === undefined) return false;
    delete o.valueQuantity;
    o.valueString = String(q.value);
    return true;
  }),
  labFamily(
    'lab-value-in-component',
    'the value in a component of the same code (device and LIS feeds)',
    (o) => {
      const q = quantityOf(o);
      if (q?.value === undefined) return false;
      delete o.valueQuantity;
      o.component = [
        {
          code: clone(o.code),
          valueQuantity: q,
          ...(o.referenceRange ? { referenceRange: o.referenceRange } : {}),
        },
      ];
      delete o.referenceRange;
      return true;
    },
  ),
  labFamily(
    'lab-panel-component',
    'the result as a component of a panel Observation (LOINC 24323-8 metabolic panel)',
    (o) => {
      const q = quantityOf(o);
      if (q?.value === undefined) return false;
      o.component = [
        { code: o.code, valueQuantity: q, ...(o.referenceRange ? { referenceRange: o.referenceRange } : {}) },
      ];
      o.code = { coding: [{ system: F.LOINC, code: '24323-8' }], text: 'Comprehensive metabolic panel' };
      delete o.valueQuantity;
      delete o.referenceRange;
      return true;
    },
  ),
  labFamily('egfr-76633-7', 'eGFR coded 76633-7 (MDRD, in blood)', (o) => {
    let changed = false;
    for (const coding of codings(o.code))
      if (coding.code === '62238-1') {
        coding.code = '76633-7';
        changed = true;
      }
    return changed;
  }),
  // --- dates and request shapes ---------------------------------------------------------------------------------
  {
    name: 'datetime-with-offset',
    why: 'dates as full dateTimes with a time-zone offset (every server writes them so)',
    rewrite: (c) =>
      each(c, (r) => {
        let changed = false;
        for (const key of [
          'effectiveDateTime',
          'onsetDateTime',
          'authoredOn',
          'dateAsserted',
          'recordedDate',
        ])
          if (typeof r[key] === 'string' && (r[key] as string).length === 10) {
            r[key] = `${r[key] as string}T10:30:00-05:00`;
            changed = true;
          }
        return changed;
      }),
  },
  {
    name: 'administration-effective-period',
    why: 'MedicationAdministration.effectivePeriod instead of effectiveDateTime (infusion-style documentation)',
    rewrite: (c) =>
      each(c, (r) => {
        if (r.resourceType !== 'MedicationAdministration' || typeof r.effectiveDateTime !== 'string')
          return false;
        const day = r.effectiveDateTime;
        delete r.effectiveDateTime;
        r.effectivePeriod = { start: `${day}T09:00:00Z`, end: `${day}T09:05:00Z` };
        return true;
      }),
  },
  {
    name: 'prefetch-operation-outcome-entry',
    why: 'Epic: searchset Bundles carry an OperationOutcome entry (also when empty)',
    prefetchOnly: true,
    rewrite: (c) => clone(c),
  },
];
