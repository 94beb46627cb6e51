import type { FhirResource } from '../../../src/protocol/types.js';
import { SYSTEMS } from '../../../src/clinical/terminology/systems.js';
import { FHIR_CODE_SYSTEMS } from '../../../fixtures/fhir-builders.js';

/** Small builders for FHIR R4 test resources (knowledge.md section 3 defaults: woman, 72 y, M81.0). */

export const RXNORM = SYSTEMS.rxnorm;
export const ICD10CM = SYSTEMS.icd10cm;
export const SNOMED = SYSTEMS.snomed;
export const LOINC = SYSTEMS.loinc;
export const CPT = SYSTEMS.cpt;
export const PATIENT_ID = 'p1';

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;
const subject = { reference: `Patient/${PATIENT_ID}` };

export function patient(overrides: Record<string, unknown> = {}): FhirResource {
  return { resourceType: 'Patient', id: PATIENT_ID, gender: 'female', birthDate: '1953-01-10', ...overrides };
}

export const osteoporosis = (): FhirResource =>
  condition(
    {
      system: ICD10CM,
      code: 'M81.0',
      display: 'Age-related osteoporosis without current pathological fracture',
    },
    { onset: '2019-01-01' },
  );

export interface CodeSpec {
  system?: string;
  code?: string;
  display?: string;
  text?: string;
}

const concept = (c: CodeSpec) => ({
  ...(c.code
    ? {
        coding: [
          {
            ...(c.system ? { system: c.system } : {}),
            code: c.code,
            ...(c.display ? { display: c.display } : {}),
          },
        ],
      }
    : {}),
  ...(c.text ? { text: c.text } : {}),
});

export const PROLIA: CodeSpec = {
  system: RXNORM,
  code: '993452',
  display: '1 ML denosumab 60 MG/ML Prefilled Syringe',
};
export const XGEVA: CodeSpec = {
  system: RXNORM,
  code: '1046402',
  display: '1.7 ML denosumab 70 MG/ML Injection [Xgeva]',
};
export const JUBBONTI: CodeSpec = { system: RXNORM, code: '2715513', display: 'Jubbonti 60 MG/ML' };
export const ZOLEDRONATE_5: CodeSpec = {
  system: RXNORM,
  code: '705824',
  display: '100 ML zoledronic acid 0.05 MG/ML Injection',
};
export const ALENDRONATE_70: CodeSpec = {
  system: RXNORM,
  code: '904431',
  display: 'alendronic acid 70 MG Oral Tablet',
};
export const PREDNISONE_5: CodeSpec = {
  system: RXNORM,
  code: '312617',
  display: 'prednisone 5 MG Oral Tablet',
};
export const TERIPARATIDE: CodeSpec = {
  system: RXNORM,
  code: '1435115',
  display: 'teriparatide 0.25 MG/ML pen',
};
export const ROMOSOZUMAB: CodeSpec = { text: 'romosozumab-aqqg 105 MG/1.17 ML (Evenity) 210 mg SC monthly' };
/** Evenity by its 11-digit package NDC only (no text, no display): a coded match or nothing. */
export const ROMOSOZUMAB_NDC: CodeSpec = { system: 'http://hl7.org/fhir/sid/ndc', code: '55513088002' };

export function administration(
  med: CodeSpec,
  date: string | undefined,
  opts: { status?: string; doseMg?: number; id?: string } = {},
): FhirResource {
  return {
    resourceType: 'MedicationAdministration',
    id: opts.id ?? nextId('ma'),
    status: opts.status ?? 'completed',
    medicationCodeableConcept: concept(med),
    subject,
    ...(date ? { effectiveDateTime: date } : {}),
    ...(opts.doseMg !== undefined
      ? {
          dosage: {
            route: { text: 'subcutaneous' },
            dose: { value: opts.doseMg, unit: 'mg', system: SYSTEMS.ucum, code: 'mg' },
          },
        }
      : {}),
  };
}

export const prolia = (date: string, opts: { status?: string; id?: string } = {}) =>
  administration(PROLIA, date, { doseMg: 60, ...opts });

export function statement(
  med: CodeSpec,
  opts: {
    status?: string;
    effectiveDateTime?: string;
    period?: { start?: string; end?: string };
    dateAsserted?: string;
    id?: string;
    dosage?: unknown[];
  } = {},
): FhirResource {
  return {
    resourceType: 'MedicationStatement',
    id: opts.id ?? nextId('ms'),
    status: opts.status ?? 'active',
    medicationCodeableConcept: concept(med),
    subject,
    ...(opts.effectiveDateTime ? { effectiveDateTime: opts.effectiveDateTime } : {}),
    ...(opts.period ? { effectivePeriod: opts.period } : {}),
    ...(opts.dateAsserted ? { dateAsserted: opts.dateAsserted } : {}),
    ...(opts.dosage ? { dosage: opts.dosage } : {}),
  };
}

export function medicationRequest(
  med: CodeSpec,
  opts: {
    status?: string;
    authoredOn?: string;
    id?: string;
    doseMg?: number;
    doseUnits?: number;
    frequency?: number;
    period?: number;
    periodUnit?: string;
    intent?: string;
  } = {},
): FhirResource {
  const hasDosage = opts.doseMg !== undefined || opts.doseUnits !== undefined || opts.frequency !== undefined;
  return {
    resourceType: 'MedicationRequest',
    id: opts.id ?? nextId('mr'),
    status: opts.status ?? 'active',
    intent: opts.intent ?? 'order',
    medicationCodeableConcept: concept(med),
    subject,
    ...(opts.authoredOn ? { authoredOn: opts.authoredOn } : {}),
    ...(hasDosage
      ? {
          dosageInstruction: [
            {
              timing: {
                repeat: {
                  frequency: opts.frequency ?? 1,
                  period: opts.period ?? 1,
                  periodUnit: opts.periodUnit ?? 'd',
                },
              },
              doseAndRate: [
                {
                  doseQuantity:
                    opts.doseMg !== undefined
                      ? { value: opts.doseMg, unit: 'mg', system: SYSTEMS.ucum, code: 'mg' }
                      : { value: opts.doseUnits, unit: 'tablet' },
                },
              ],
            },
          ],
        }
      : {}),
  };
}

export const draftMedication = (med: CodeSpec, id: string, opts: { doseMg?: number; status?: string } = {}) =>
  medicationRequest(med, {
    id,
    status: opts.status ?? 'draft',
    intent: 'proposal',
    ...(opts.doseMg !== undefined ? { doseMg: opts.doseMg } : {}),
  });

export function serviceRequest(code: CodeSpec, id: string): FhirResource {
  return {
    resourceType: 'ServiceRequest',
    id,
    status: 'draft',
    intent: 'proposal',
    code: concept(code),
    subject,
  };
}

export function condition(
  code: CodeSpec,
  opts: {
    onset?: string;
    recordedDate?: string;
    verification?: string;
    clinicalStatus?: string;
    id?: string;
    bodySite?: string;
  } = {},
): FhirResource {
  return {
    resourceType: 'Condition',
    id: opts.id ?? nextId('c'),
    clinicalStatus: {
      coding: [
        {
          system: FHIR_CODE_SYSTEMS.conditionClinical,
          code: opts.clinicalStatus ?? 'active',
        },
      ],
    },
    verificationStatus: {
      coding: [
        {
          system: FHIR_CODE_SYSTEMS.conditionVerification,
          code: opts.verification ?? 'confirmed',
        },
      ],
    },
    code: concept(code),
    subject,
    ...(opts.onset ? { onsetDateTime: opts.onset } : {}),
    ...(opts.recordedDate ? { recordedDate: opts.recordedDate } : {}),
    ...(opts.bodySite ? { bodySite: [{ text: opts.bodySite }] } : {}),
  };
}

export const icd = (code: string, display?: string): CodeSpec => ({
  system: ICD10CM,
  code,
  ...(display ? { display } : {}),
});
export const snomed = (code: string, display?: string): CodeSpec => ({
  system: SNOMED,
  code,
  ...(display ? { display } : {}),
});

export function observation(
  loinc: string,
  value: number | undefined,
  unit: string,
  date: string,
  opts: { low?: number; high?: number; interpretation?: string; status?: string; id?: string } = {},
): FhirResource {
  return {
    resourceType: 'Observation',
    id: opts.id ?? nextId('o'),
    status: opts.status ?? 'final',
    code: { coding: [{ system: LOINC, code: loinc }] },
    subject,
    effectiveDateTime: date,
    ...(value !== undefined ? { valueQuantity: { value, unit, system: SYSTEMS.ucum, code: unit } } : {}),
    ...(opts.low !== undefined || opts.high !== undefined
      ? {
          referenceRange: [
            {
              ...(opts.low !== undefined ? { low: { value: opts.low, unit } } : {}),
              ...(opts.high !== undefined ? { high: { value: opts.high, unit } } : {}),
            },
          ],
        }
      : {}),
    ...(opts.interpretation
      ? {
          interpretation: [
            {
              coding: [
                {
                  system: FHIR_CODE_SYSTEMS.observationInterpretation,
                  code: opts.interpretation,
                },
              ],
            },
          ],
        }
      : {}),
  };
}

/** The full set of normal labs within the last month (so ORDER-LABS stays quiet unless a test wants it). */
export const normalLabs = (date = '2025-06-01'): FhirResource[] => [
  observation('17861-6', 9.4, 'mg/dL', date, { low: 8.6, high: 10.3 }),
  observation('2160-0', 0.8, 'mg/dL', date),
  observation('62238-1', 75, 'mL/min/{1.73_m2}', date),
  observation('62292-8', 32, 'ng/mL', date),
];
