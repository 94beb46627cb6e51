import { SYSTEMS as CODE_SYSTEMS } from '../clinical/terminology/systems.js';
import type { FhirResource } from '../protocol/types.js';

/**
 * Builders for the FHIR R4 resources of the demo patients. Codes come from knowledge.md section 2 (only codes with
 * a verification label; drugs without a verified code are given as text, which the rules match by text).
 */

/** The code-system URIs of the rules (one declaration, src/clinical/terminology/systems.ts). */
export const SYSTEMS = { ...CODE_SYSTEMS, icd10: CODE_SYSTEMS.icd10cm } as const;

/** Marks every demo resource so it can be found (and removed) on a shared FHIR server. */
export const DEMO_TAG = { system: 'urn:dmab-cds:demo', code: 'synthetic', display: 'Synthetic demo data' };

export interface Coded {
  system?: string;
  code?: string;
  display: string;
}

export interface Drug extends Coded {
  /** What an EHR shows as the medication's text (short); the coding keeps the terminology's display. */
  text?: string;
  /** Dose per administration, e.g. 60 mg. */
  dose?: { value: number; unit: string };
  route?: string;
}

/** Medications used by the demo patients. */
export const DRUGS = {
  prolia: {
    system: SYSTEMS.rxnorm,
    code: '993452',
    display: '1 ML denosumab 60 MG/ML Prefilled Syringe (Prolia)',
    text: 'Prolia (denosumab) 60 mg SC',
    dose: { value: 60, unit: 'mg' },
    route: 'subcutaneous',
  },
  xgeva: {
    system: SYSTEMS.rxnorm,
    code: '1046402',
    display: '1.7 ML denosumab 70 MG/ML Injection [Xgeva]',
    text: 'Xgeva (denosumab) 120 mg SC',
    dose: { value: 120, unit: 'mg' },
    route: 'subcutaneous',
  },
  zoledronicAcid: {
    system: SYSTEMS.rxnorm,
    code: '705824',
    display: '100 ML zoledronic acid 0.05 MG/ML Injection',
    text: 'zoledronic acid 5 mg IV',
    dose: { value: 5, unit: 'mg' },
    route: 'intravenous',
  },
  alendronate: {
    system: SYSTEMS.rxnorm,
    code: '904431',
    display: 'alendronic acid 70 MG Oral Tablet',
    text: 'alendronate 70 mg weekly',
    dose: { value: 70, unit: 'mg' },
    route: 'oral',
  },
  teriparatide: {
    system: SYSTEMS.rxnorm,
    code: '1435115',
    display: 'teriparatide 250 MCG/ML pen injector',
    text: 'teriparatide 20 mcg SC daily',
    dose: { value: 20, unit: 'ug' },
    route: 'subcutaneous',
  },
  // No verified RxNorm code for romosozumab (knowledge.md 2.2.2): ATC M05BX06 (V-REPO) plus the name.
  romosozumab: {
    system: SYSTEMS.atc,
    code: 'M05BX06',
    display: 'romosozumab (Evenity) 210 mg SC monthly',
    dose: { value: 210, unit: 'mg' },
    route: 'subcutaneous',
  },
  prednisone5: {
    system: SYSTEMS.rxnorm,
    code: '312617',
    display: 'prednisone 5 MG Oral Tablet',
    text: 'prednisone 5 mg tablet',
    dose: { value: 5, unit: 'mg' },
    route: 'oral',
  },
  tacrolimus: { display: 'tacrolimus 1 MG Oral Capsule', route: 'oral' },
  mycophenolate: { display: 'mycophenolate mofetil 500 MG Oral Tablet', route: 'oral' },
} satisfies Record<string, Drug>;

export const DIAGNOSES = {
  osteoporosis: {
    system: SYSTEMS.icd10,
    code: 'M81.0',
    display: 'Age-related osteoporosis without current pathological fracture',
  },
  osteoporoticVfxL1: {
    system: SYSTEMS.icd10,
    code: 'M80.08XA',
    display:
      'Age-related osteoporosis with current pathological fracture, vertebra(e), initial encounter for fracture',
  },
  wedgeL1: {
    system: SYSTEMS.icd10,
    code: 'S32.010A',
    display: 'Wedge compression fracture of first lumbar vertebra, initial encounter for closed fracture',
  },
  wedgeL3: {
    system: SYSTEMS.icd10,
    code: 'S32.030A',
    display: 'Wedge compression fracture of third lumbar vertebra, initial encounter for closed fracture',
  },
  wedgeT11T12Sequela: {
    system: SYSTEMS.icd10,
    code: 'S22.080S',
    display: 'Wedge compression fracture of T11-T12 vertebra, sequela',
  },
  compressionFractureSnomed: {
    system: SYSTEMS.snomed,
    code: '42942008',
    display: 'Compression fracture of vertebral column',
  },
  nstemi: {
    system: SYSTEMS.icd10,
    code: 'I21.4',
    display: 'Non-ST elevation (NSTEMI) myocardial infarction',
  },
  kidneyTransplant: { system: SYSTEMS.icd10, code: 'Z94.0', display: 'Kidney transplant status' },
  boneMetastases: { system: SYSTEMS.icd10, code: 'C79.51', display: 'Secondary malignant neoplasm of bone' },
} satisfies Record<string, Coded>;

export const LABS = {
  egfr: { system: SYSTEMS.loinc, code: '62238-1', display: 'eGFR (CKD-EPI)', unit: 'mL/min/{1.73_m2}' },
  calcium: {
    system: SYSTEMS.loinc,
    code: '17861-6',
    display: 'Calcium [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
  },
  vitaminD: {
    system: SYSTEMS.loinc,
    code: '62292-8',
    display: '25-Hydroxyvitamin D2+D3 in Serum or Plasma',
    unit: 'ng/mL',
  },
  creatinine: {
    system: SYSTEMS.loinc,
    code: '2160-0',
    display: 'Creatinine [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
  },
} as const;

export const VERTEBROPLASTY_LUMBOSACRAL = {
  system: SYSTEMS.cpt,
  code: '22511',
  display: 'Percutaneous vertebroplasty, 1 vertebral body, lumbosacral',
};

const concept = (c: Coded & { text?: string }) => ({
  ...(c.code
    ? { coding: [{ ...(c.system ? { system: c.system } : {}), code: c.code, display: c.display }] }
    : {}),
  text: c.text ?? c.display,
});

const ref = (patientId: string) => ({ reference: `Patient/${patientId}` });
const meta = { tag: [DEMO_TAG] };

const dosage = (drug: Drug) => ({
  ...(drug.route ? { route: { text: drug.route } } : {}),
  ...(drug.dose
    ? { dose: { value: drug.dose.value, unit: drug.dose.unit, system: SYSTEMS.ucum, code: drug.dose.unit } }
    : {}),
});

export function patient(id: string, family: string, birthDate: string, gender = 'female'): FhirResource {
  return {
    resourceType: 'Patient',
    id,
    meta,
    identifier: [{ system: 'urn:dmab-cds:demo-patient', value: id }],
    name: [{ use: 'official', family, given: ['Demo'], text: `Demo ${family}` }],
    gender,
    birthDate,
  };
}

export function administration(
  id: string,
  patientId: string,
  drug: Drug,
  date: string,
  status = 'completed',
): FhirResource {
  return {
    resourceType: 'MedicationAdministration',
    id,
    meta,
    status,
    medicationCodeableConcept: concept(drug),
    subject: ref(patientId),
    effectiveDateTime: date,
    dosage: dosage(drug),
  };
}

export interface StatementOptions {
  status: 'active' | 'completed' | 'stopped' | 'intended' | 'not-taken' | 'on-hold' | 'unknown';
  start?: string;
  end?: string;
  dateAsserted?: string;
}

export function statement(
  id: string,
  patientId: string,
  drug: Drug,
  options: StatementOptions,
): FhirResource {
  const period = options.start || options.end;
  return {
    resourceType: 'MedicationStatement',
    id,
    meta,
    status: options.status,
    medicationCodeableConcept: concept(drug),
    subject: ref(patientId),
    ...(period
      ? {
          effectivePeriod: {
            ...(options.start ? { start: options.start } : {}),
            ...(options.end ? { end: options.end } : {}),
          },
        }
      : {}),
    ...(options.dateAsserted ? { dateAsserted: options.dateAsserted } : {}),
  };
}

export interface RequestOptions {
  status: 'active' | 'draft' | 'stopped' | 'completed';
  authoredOn: string;
  /** e.g. "5 mg by mouth once daily". */
  instruction?: string;
  frequencyPerDay?: number;
}

export function medicationRequest(
  id: string,
  patientId: string,
  drug: Drug,
  options: RequestOptions,
): FhirResource {
  return {
    resourceType: 'MedicationRequest',
    id,
    meta,
    status: options.status,
    intent: 'order',
    medicationCodeableConcept: concept(drug),
    subject: ref(patientId),
    authoredOn: options.authoredOn,
    dosageInstruction: [
      {
        ...(options.instruction ? { text: options.instruction } : {}),
        ...(options.frequencyPerDay
          ? { timing: { repeat: { frequency: options.frequencyPerDay, period: 1, periodUnit: 'd' } } }
          : {}),
        ...(drug.route ? { route: { text: drug.route } } : {}),
        ...(drug.dose
          ? {
              doseAndRate: [
                {
                  doseQuantity: {
                    value: drug.dose.value,
                    unit: drug.dose.unit,
                    system: SYSTEMS.ucum,
                    code: drug.dose.unit,
                  },
                },
              ],
            }
          : {}),
      },
    ],
  };
}

export interface ConditionOptions {
  onset?: string;
  recorded?: string;
  verification?: 'confirmed' | 'refuted' | 'unconfirmed' | 'entered-in-error';
  /** Overrides code.text (the human-readable name shown by EHRs). */
  text?: string;
}

export function condition(
  id: string,
  patientId: string,
  code: Coded,
  options: ConditionOptions = {},
): FhirResource {
  const verification = options.verification ?? 'confirmed';
  return {
    resourceType: 'Condition',
    id,
    meta,
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: verification }],
    },
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' },
        ],
      },
    ],
    code: { ...concept(code), ...(options.text ? { text: options.text } : {}) },
    subject: ref(patientId),
    ...(options.onset ? { onsetDateTime: options.onset } : {}),
    ...(options.recorded ? { recordedDate: options.recorded } : {}),
  };
}

export interface LabCode {
  system: string;
  code: string;
  display: string;
  unit: string;
}

export function observation(
  id: string,
  patientId: string,
  lab: LabCode,
  value: number,
  date: string,
  range?: { low?: number; high?: number },
): FhirResource {
  const quantity = (v: number) => ({ value: v, unit: lab.unit, system: SYSTEMS.ucum, code: lab.unit });
  return {
    resourceType: 'Observation',
    id,
    meta,
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
        ],
      },
    ],
    code: { coding: [{ system: lab.system, code: lab.code, display: lab.display }], text: lab.display },
    subject: ref(patientId),
    effectiveDateTime: date,
    valueQuantity: quantity(value),
    ...(range
      ? {
          referenceRange: [
            {
              ...(range.low !== undefined ? { low: quantity(range.low) } : {}),
              ...(range.high !== undefined ? { high: quantity(range.high) } : {}),
            },
          ],
        }
      : {}),
  };
}

/** A draft order for a procedure (the order-select / order-sign demo of vertebral augmentation). */
export function draftServiceRequest(
  id: string,
  patientId: string,
  code: Coded,
  authoredOn: string,
): FhirResource {
  return {
    resourceType: 'ServiceRequest',
    id,
    status: 'draft',
    intent: 'order',
    code: concept(code),
    subject: ref(patientId),
    authoredOn,
  };
}
