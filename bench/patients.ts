import { SYSTEMS } from '../src/clinical/terminology/systems.js';
import type { FhirResource } from '../src/protocol/types.js';
import { FHIR_CODE_SYSTEMS } from '../fixtures/fhir-builders.js';

/**
 * Synthetic patients for the benchmark: a realistic chart (years of unrelated prescriptions, problems, labs and
 * procedures) around a small clinically relevant core that triggers cards — the rebound-fracture pattern of
 * knowledge.md section 3 scenario 35 (last denosumab 12.5 months ago, no follow-on, two recent vertebral
 * fractures), plus a low calcium and a low eGFR so the denosumab safety checks fire on order-select.
 * Generation is seeded, so every run benchmarks the same data. Dates are relative to the real clock because
 * the service evaluates against the system clock.
 */

export const PATIENT_SIZES = { small: 20, typical: 200, large: 2_000, huge: 10_000 } as const;
export type PatientSize = keyof typeof PATIENT_SIZES;

export const RXNORM = SYSTEMS.rxnorm;
export const ICD10CM = SYSTEMS.icd10cm;
export const LOINC = SYSTEMS.loinc;
export const CPT = SYSTEMS.cpt;
const SNOMED = SYSTEMS.snomed;

/** Share of the non-core resources per type (the prefetch keys), roughly an ambulatory chart's mix. */
const MIX: [string, number][] = [
  ['MedicationRequest', 0.22],
  ['MedicationStatement', 0.1],
  ['MedicationAdministration', 0.05],
  ['Condition', 0.15],
  ['Procedure', 0.08],
  ['Observation', 0.4],
];

const UNRELATED_DRUGS: [string, string][] = [
  ['617314', 'atorvastatin 10 MG Oral Tablet'],
  ['860975', 'metformin hydrochloride 500 MG Extended Release Oral Tablet'],
  ['314076', 'lisinopril 10 MG Oral Tablet'],
  ['197361', 'amlodipine 5 MG Oral Tablet'],
  ['966222', 'levothyroxine sodium 0.05 MG Oral Tablet'],
  ['198211', 'simvastatin 40 MG Oral Tablet'],
  ['310798', 'hydrochlorothiazide 25 MG Oral Tablet'],
  ['313782', 'acetaminophen 325 MG Oral Tablet'],
  ['197806', 'ibuprofen 600 MG Oral Tablet'],
  ['308136', 'amlodipine 10 MG Oral Tablet'],
  ['311995', 'omeprazole 20 MG Delayed Release Oral Capsule'],
  ['855288', 'Warfarin Sodium 1 MG Oral Tablet'],
  ['1049221', 'oxycodone hydrochloride 5 MG Oral Tablet'],
  ['308182', 'amoxicillin 250 MG Oral Capsule'],
  ['1719286', 'influenza vaccine, quadrivalent'],
];

const UNRELATED_CONDITIONS: [string, string][] = [
  ['I10', 'Essential (primary) hypertension'],
  ['E11.9', 'Type 2 diabetes mellitus without complications'],
  ['E78.5', 'Hyperlipidemia, unspecified'],
  ['M17.11', 'Unilateral primary osteoarthritis, right knee'],
  ['J44.9', 'Chronic obstructive pulmonary disease, unspecified'],
  ['K21.9', 'Gastro-esophageal reflux disease without esophagitis'],
  ['F32.9', 'Major depressive disorder, single episode, unspecified'],
  ['E03.9', 'Hypothyroidism, unspecified'],
  ['H25.9', 'Unspecified age-related cataract'],
  ['N39.0', 'Urinary tract infection, site not specified'],
  ['J06.9', 'Acute upper respiratory infection, unspecified'],
  ['M54.50', 'Low back pain, unspecified'],
];

const UNRELATED_PROCEDURES: [string, string][] = [
  ['45378', 'Colonoscopy, diagnostic'],
  ['66984', 'Cataract removal with intraocular lens'],
  ['77080', 'DXA bone density study, axial skeleton'],
  ['93000', 'Electrocardiogram, routine, with interpretation'],
  ['71046', 'Radiologic examination, chest; 2 views'],
  ['36415', 'Collection of venous blood by venipuncture'],
  ['99213', 'Office or other outpatient visit'],
];

/** Observations a real prefetch returns: the template's codes only, repeated over years of follow-up. */
const LAB_CODES: [string, string, string, number, number][] = [
  ['17861-6', 'Calcium [Mass/volume] in Serum or Plasma', 'mg/dL', 8.6, 10.2],
  ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'mg/dL', 0.6, 1.1],
  ['62238-1', 'eGFR CKD-EPI', 'mL/min/{1.73_m2}', 60, 95],
  ['62292-8', '25-Hydroxyvitamin D2+D3 [Mass/volume] in Serum or Plasma', 'ng/mL', 20, 50],
  ['29463-7', 'Body weight', 'kg', 55, 75],
  ['1751-7', 'Albumin [Mass/volume] in Serum or Plasma', 'g/dL', 3.5, 5],
  ['41171-0', 'Collagen crosslinked C-telopeptide [Mass/volume] in Serum', 'pg/mL', 100, 600],
  ['38267-1', 'DXA Femur [T-score] Bone density', '{T-score}', -3.2, -1.5],
];

export interface SyntheticPatient {
  size: PatientSize;
  patientId: string;
  patient: FhirResource;
  /** Every resource except the Patient, in chart order. */
  resources: FhirResource[];
}

/** Deterministic PRNG (mulberry32) so a run is comparable with the previous one. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

function monthsAgo(now: Date, months: number, extraDays = 0): Date {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  d.setUTCDate(d.getUTCDate() - extraDays);
  return d;
}

export function generatePatient(size: PatientSize, now: Date = new Date()): SyntheticPatient {
  const random = seededRandom(PATIENT_SIZES[size]);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const patientId = `bench-${size}`;
  const subject = { reference: `Patient/${patientId}` };
  let serial = 0;
  const nextId = (prefix: string) => `${prefix}-${++serial}`;
  const pastDate = (maxYears: number) => new Date(now.getTime() - random() * maxYears * 365.25 * 86_400_000);

  const patient: FhirResource = {
    resourceType: 'Patient',
    id: patientId,
    gender: 'female',
    birthDate: isoDate(monthsAgo(now, 72 * 12)),
    name: [{ family: 'Bench', given: [size] }],
  };

  const core = relevantCore(now, subject, nextId);
  const target = Math.max(PATIENT_SIZES[size] - 1 - core.length, 0);
  const filler: FhirResource[] = [];
  for (const [type, share] of MIX) {
    const count = Math.max(1, Math.round(target * share));
    for (let i = 0; i < count && filler.length < target; i++) {
      filler.push(unrelatedResource(type, pastDate(15), subject, nextId, pick, random));
    }
  }
  return { size, patientId, patient, resources: [...core, ...filler] };
}

/** The records the rules care about; they make the service produce real cards for every size. */
function relevantCore(
  now: Date,
  subject: { reference: string },
  nextId: (p: string) => string,
): FhirResource[] {
  const out: FhirResource[] = [
    {
      resourceType: 'Condition',
      id: nextId('cond'),
      subject,
      clinicalStatus: {
        coding: [{ system: FHIR_CODE_SYSTEMS.conditionClinical, code: 'active' }],
      },
      verificationStatus: {
        coding: [{ system: FHIR_CODE_SYSTEMS.conditionVerification, code: 'confirmed' }],
      },
      code: { coding: [{ system: ICD10CM, code: 'M81.0', display: 'Age-related osteoporosis' }] },
      onsetDateTime: isoDate(monthsAgo(now, 60)),
    },
  ];
  // Six-monthly Prolia from 4.5 years ago until 12.5 months ago: lapsed, no follow-on therapy.
  for (let months = 54; months >= 13; months -= 6) {
    out.push(denosumabDose(monthsAgo(now, months, months === 13 ? 15 : 0), subject, nextId('mab')));
  }
  out.push(
    vertebralFracture(
      'M80.08XA',
      'Age-related osteoporosis with current pathological fracture, vertebra',
      monthsAgo(now, 2, 10),
      subject,
      nextId('vfx'),
    ),
  );
  out.push(
    vertebralFracture(
      'S32.010A',
      'Wedge compression fracture of first lumbar vertebra',
      monthsAgo(now, 1),
      subject,
      nextId('vfx'),
    ),
  );
  out.push(
    lab('62238-1', 'eGFR CKD-EPI', 28, 'mL/min/{1.73_m2}', monthsAgo(now, 0, 14), subject, nextId('lab')),
  );
  out.push(
    lab(
      '17861-6',
      'Calcium [Mass/volume] in Serum or Plasma',
      7.9,
      'mg/dL',
      monthsAgo(now, 0, 5),
      subject,
      nextId('lab'),
    ),
  );
  return out;
}

function denosumabDose(date: Date, subject: { reference: string }, id: string): FhirResource {
  return {
    resourceType: 'MedicationAdministration',
    id,
    status: 'completed',
    subject,
    medicationCodeableConcept: {
      coding: [
        { system: RXNORM, code: '993452', display: '1 ML denosumab 60 MG/ML Prefilled Syringe [Prolia]' },
      ],
      text: 'Prolia 60 mg/mL prefilled syringe',
    },
    effectiveDateTime: date.toISOString(),
    dosage: {
      route: { coding: [{ system: SNOMED, code: '34206005', display: 'Subcutaneous route' }] },
      dose: { value: 60, unit: 'mg', system: SYSTEMS.ucum, code: 'mg' },
    },
  };
}

function vertebralFracture(
  code: string,
  display: string,
  onset: Date,
  subject: { reference: string },
  id: string,
) {
  return {
    resourceType: 'Condition',
    id,
    subject,
    clinicalStatus: {
      coding: [{ system: FHIR_CODE_SYSTEMS.conditionClinical, code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: FHIR_CODE_SYSTEMS.conditionVerification, code: 'confirmed' }],
    },
    category: [
      {
        coding: [{ system: FHIR_CODE_SYSTEMS.conditionCategory, code: 'encounter-diagnosis' }],
      },
    ],
    code: { coding: [{ system: ICD10CM, code, display }], text: display },
    onsetDateTime: isoDate(onset),
    recordedDate: isoDate(onset),
  } satisfies FhirResource;
}

function lab(
  code: string,
  display: string,
  value: number,
  unit: string,
  date: Date,
  subject: { reference: string },
  id: string,
) {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    subject,
    category: [
      {
        coding: [{ system: FHIR_CODE_SYSTEMS.observationCategory, code: 'laboratory' }],
      },
    ],
    code: { coding: [{ system: LOINC, code, display }], text: display },
    effectiveDateTime: date.toISOString(),
    valueQuantity: { value, unit, system: SYSTEMS.ucum, code: unit },
  } satisfies FhirResource;
}

function unrelatedResource(
  type: string,
  date: Date,
  subject: { reference: string },
  nextId: (p: string) => string,
  pick: <T>(list: readonly T[]) => T,
  random: () => number,
): FhirResource {
  const drug = () => {
    const [code, display] = pick(UNRELATED_DRUGS);
    return { coding: [{ system: RXNORM, code, display }], text: display };
  };
  switch (type) {
    case 'MedicationRequest':
      return {
        resourceType: type,
        id: nextId('mr'),
        status: pick(['active', 'completed', 'stopped'] as const),
        intent: 'order',
        subject,
        medicationCodeableConcept: drug(),
        authoredOn: date.toISOString(),
        dosageInstruction: [
          {
            text: 'Take 1 tablet by mouth daily',
            timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
          },
        ],
        dispenseRequest: { numberOfRepeatsAllowed: 3, quantity: { value: 90, unit: 'tablet' } },
      };
    case 'MedicationStatement':
      return {
        resourceType: type,
        id: nextId('ms'),
        status: pick(['active', 'completed'] as const),
        subject,
        medicationCodeableConcept: drug(),
        effectivePeriod: { start: date.toISOString() },
        dateAsserted: date.toISOString(),
      };
    case 'MedicationAdministration':
      return {
        resourceType: type,
        id: nextId('ma'),
        status: 'completed',
        subject,
        medicationCodeableConcept: drug(),
        effectiveDateTime: date.toISOString(),
      };
    case 'Condition': {
      const [code, display] = pick(UNRELATED_CONDITIONS);
      return {
        resourceType: type,
        id: nextId('cond'),
        subject,
        clinicalStatus: {
          coding: [
            {
              system: FHIR_CODE_SYSTEMS.conditionClinical,
              code: pick(['active', 'resolved'] as const),
            },
          ],
        },
        code: { coding: [{ system: ICD10CM, code, display }], text: display },
        onsetDateTime: isoDate(date),
        recordedDate: isoDate(date),
      };
    }
    case 'Procedure': {
      const [code, display] = pick(UNRELATED_PROCEDURES);
      return {
        resourceType: type,
        id: nextId('proc'),
        status: 'completed',
        subject,
        code: { coding: [{ system: CPT, code, display }], text: display },
        performedDateTime: date.toISOString(),
      };
    }
    default: {
      const [code, display, unit, low, high] = pick(LAB_CODES);
      // Normal values: unrelated results never trigger a card, and are older than the relevant core's labs.
      const value = Math.round((low + random() * (high - low)) * 10) / 10;
      const older = new Date(date.getTime() - 60 * 86_400_000);
      return lab(code, display, value, unit, older, subject, nextId('obs'));
    }
  }
}
