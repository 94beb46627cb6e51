import { describe, expect, it } from 'vitest';
import type { FhirResource } from '../../../src/protocol/types.js';
import {
  medicationIds,
  unresolvedMedicationReferences,
} from '../../../src/clinical/record/medication-references.js';
import * as F from '../support/fhir.js';
import { byId, findingsFor } from '../support/evaluate.js';

/** Issue #16 item 1: medication identity wherever it lives (NOW 2025-06-15; last dose 13 months ago = lapse). */

const PROLIA_MED: FhirResource = {
  resourceType: 'Medication',
  id: 'med-prolia',
  code: { coding: [{ system: F.RXNORM, code: '993452' }] },
};

const byReference = (reference: string, display?: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'MedicationAdministration',
  id: `ma-${reference.replace(/\W/g, '')}`,
  status: 'completed',
  subject: { reference: `Patient/${F.PATIENT_ID}` },
  effectiveDateTime: '2024-05-15',
  medicationReference: { reference, ...(display ? { display } : {}) },
  dosage: { dose: { value: 60, unit: 'mg' } },
  ...extra,
});

const base = () => [F.patient(), F.osteoporosis()];
const lapse = (resources: FhirResource[], opts: Parameters<typeof findingsFor>[1] = {}) =>
  byId(findingsFor([...base(), ...resources], opts), 'DMAB-LAPSE');

describe('medicationReference resolution (item 1)', () => {
  it('a contained Medication gives a coded match (critical)', () => {
    const admin = byReference('#m1', undefined, { contained: [{ ...PROLIA_MED, id: 'm1' }] });
    expect(lapse([admin])?.indicator).toBe('critical');
  });

  it('a Medication entry of the same data gives a coded match, by relative or absolute reference', () => {
    expect(lapse([byReference('Medication/med-prolia'), PROLIA_MED])?.indicator).toBe('critical');
    expect(
      lapse([byReference('https://ehr.example/fhir/Medication/med-prolia'), PROLIA_MED])?.indicator,
    ).toBe('critical');
  });

  it('a Medication entry of the draftOrders Bundle resolves a chart record and a draft', () => {
    const f = findingsFor([...base(), byReference('Medication/med-prolia', 'Prolia')], {
      hook: 'order-sign',
      drafts: [PROLIA_MED],
    });
    expect(byId(f, 'DMAB-LAPSE')?.indicator).toBe('critical');
    expect(byId(f, 'DMAB-LAPSE')?.matchedByTextOnly).toBeUndefined();
  });

  it('Medications read from the server (EngineInput.medications) resolve what is left', () => {
    const admin = byReference('Medication/med-prolia', 'Prolia');
    expect(lapse([admin])?.indicator).toBe('warning');
    expect(lapse([admin], { medications: [PROLIA_MED] })?.indicator).toBe('critical');
  });

  it('display text alone stays a text match: capped at warning (decision 5)', () => {
    const f = lapse([byReference('Medication/unknown', 'Prolia 60 mg/mL syringe')]);
    expect(f?.indicator).toBe('warning');
    expect(f?.matchedByTextOnly).toBe(true);
  });

  it('the data wins over the draft Bundle, which wins over the server', () => {
    const zol = (id: string): FhirResource => ({
      resourceType: 'Medication',
      id,
      code: { coding: [{ system: F.RXNORM, code: '705824' }] },
    });
    const admin = byReference('Medication/med-prolia');
    // The server's copy would make it zoledronate; the data's copy (Prolia) is used.
    expect(lapse([admin, PROLIA_MED], { medications: [zol('med-prolia')] })?.indicator).toBe('critical');
  });

  it('a Medication entry of the draft Bundle is not itself a draft order', () => {
    const f = findingsFor(base(), {
      hook: 'order-sign',
      drafts: [PROLIA_MED],
      policy: 'osteoporosis-orders',
    });
    expect(f).toEqual([]);
  });
});

describe('unresolvedMedicationReferences: the contract with the FHIR access layer', () => {
  it('names each external reference once, sorted, leaving out contained and bundled ones', () => {
    const resources = [
      byReference('Medication/b'),
      byReference('Medication/a'),
      { ...byReference('https://ehr.example/fhir/Medication/a/_history/2'), id: 'other' },
      byReference('#c', undefined, { contained: [{ resourceType: 'Medication', id: 'c' }] }),
      byReference('Medication/in-data'),
      { resourceType: 'Medication', id: 'in-data' },
      F.prolia('2025-01-01'),
    ] as FhirResource[];
    const drafts = [
      {
        ...F.draftMedication({ text: 'x' }, 'd1'),
        medicationReference: { reference: 'Medication/in-draft' },
      },
      { resourceType: 'Medication', id: 'in-draft' },
      { ...F.draftMedication({ text: 'x' }, 'd2'), medicationReference: { reference: 'Medication/d' } },
    ] as FhirResource[];
    const keys = unresolvedMedicationReferences(resources, drafts);
    expect(keys).toEqual(['Medication/a', 'Medication/b', 'Medication/d']);
    expect(medicationIds(keys)).toEqual(['a', 'b', 'd']);
  });

  it('reads R5 CodeableReference and MedicationDispense, ignores other types and non-Medication targets', () => {
    const resources = [
      {
        resourceType: 'MedicationStatement',
        id: 's',
        medication: { reference: { reference: 'Medication/r5' } },
      },
      { resourceType: 'MedicationDispense', id: 'd', medicationReference: { reference: 'Medication/disp' } },
      { resourceType: 'Observation', id: 'o', medicationReference: { reference: 'Medication/nope' } },
      { resourceType: 'MedicationRequest', id: 'r', medicationReference: { reference: 'Substance/x' } },
      { resourceType: 'MedicationRequest', id: 'r2', medicationReference: { display: 'only text' } },
    ] as FhirResource[];
    expect(unresolvedMedicationReferences(resources)).toEqual(['Medication/disp', 'Medication/r5']);
  });

  it('is empty when everything resolves', () => {
    expect(unresolvedMedicationReferences([byReference('Medication/med-prolia'), PROLIA_MED])).toEqual([]);
  });
});
