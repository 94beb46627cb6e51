import { describe, expect, it } from 'vitest';
import type { FhirResource } from '../../../src/protocol/types.js';
import * as F from '../support/fhir.js';
import { byId, findingsFor, ids } from '../support/evaluate.js';

/** Issue #16 item 2 / decision 18: dispensed and billed denosumab doses (NOW 2025-06-15). */

const subject = { reference: `Patient/${F.PATIENT_ID}` };
const PROLIA_CONCEPT = { coding: [{ system: F.RXNORM, code: '993452' }] };
const HCPCS = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';

const dispense = (dates: { handedOver?: string; prepared?: string }, extra: Record<string, unknown> = {}) =>
  ({
    resourceType: 'MedicationDispense',
    id: `md-${Math.random().toString(36).slice(2)}`,
    status: 'completed',
    subject,
    medicationCodeableConcept: PROLIA_CONCEPT,
    quantity: { value: 1, unit: 'syringe' },
    ...(dates.handedOver ? { whenHandedOver: dates.handedOver } : {}),
    ...(dates.prepared ? { whenPrepared: dates.prepared } : {}),
    ...extra,
  }) as FhirResource;

const chargeItem = (date: string, units?: number, extra: Record<string, unknown> = {}) =>
  ({
    resourceType: 'ChargeItem',
    id: `ci-${Math.random().toString(36).slice(2)}`,
    status: 'billed',
    subject,
    code: { coding: [{ system: HCPCS, code: 'J0897' }] },
    occurrenceDateTime: date,
    ...(units !== undefined ? { quantity: { value: units } } : {}),
    ...extra,
  }) as FhirResource;

const procedure = (date: string, system = HCPCS) =>
  ({
    resourceType: 'Procedure',
    id: `pr-${Math.random().toString(36).slice(2)}`,
    status: 'completed',
    subject,
    code: { coding: [{ system, code: 'J0897' }] },
    performedDateTime: date,
  }) as FhirResource;

const base = () => [F.patient(), F.osteoporosis()];
const run = (resources: FhirResource[]) => findingsFor([...base(), ...resources]);

describe('MedicationDispense', () => {
  it('counts as a dose on whenHandedOver; the evidence says the administration date is not recorded', () => {
    const f = byId(run([dispense({ handedOver: '2024-05-15', prepared: '2024-05-01' })]), 'DMAB-LAPSE')!;
    expect(f.indicator).toBe('critical');
    expect(f.facts).toMatchObject({ lastDoseDate: '2024-05-15' });
    expect(f.evidence[0]!.description).toContain('dispensed; administration date not recorded');
  });
  it('falls back to whenPrepared', () => {
    expect(byId(run([dispense({ prepared: '2024-11-15' })]), 'DMAB-OVERDUE')?.facts).toMatchObject({
      lastDoseDate: '2024-11-15',
    });
  });
  it('a recent dispense keeps the course on time', () => {
    expect(ids(run([F.prolia('2024-05-15'), dispense({ handedOver: '2025-01-15' })]))).toEqual([]);
  });
  it('cancelled, declined, in-preparation and entered-in-error dispenses are no dose', () => {
    for (const status of [
      'cancelled',
      'declined',
      'preparation',
      'in-progress',
      'entered-in-error',
      'stopped',
    ])
      expect(ids(run([F.prolia('2024-05-15'), dispense({ handedOver: '2025-01-15' }, { status })]))).toEqual([
        'DMAB-LAPSE',
      ]);
  });
  it('a dispense without any date asks to verify the last injection', () => {
    expect(byId(run([dispense({})]), 'DMAB-DATA')?.facts).toMatchObject({ reason: 'no-dose-date' });
  });
});

describe('HCPCS J0897 on a ChargeItem or Procedure', () => {
  it('60 units → osteoporosis regimen: a coded dose (critical lapse)', () => {
    const f = byId(run([chargeItem('2024-05-15', 60)]), 'DMAB-LAPSE')!;
    expect(f.indicator).toBe('critical');
    expect(f.matchedByTextOnly).toBeUndefined();
  });
  it('120 units → oncology regimen: never the 6-month rules', () => {
    expect(ids(run([chargeItem('2025-05-20', 120)]))).toEqual([]);
    expect(ids(run([chargeItem('2024-12-01', 120)]))).toEqual(['ONC-DMAB-STOP']);
  });
  it('other quantities and Procedures (no quantity) → the rule for a dose without strength', () => {
    expect(byId(run([chargeItem('2024-05-15', 30)]), 'DMAB-DATA')?.facts).toMatchObject({
      reason: 'regimen-unknown',
    });
    expect(byId(run([procedure('2024-05-15')]), 'DMAB-DATA')?.facts).toMatchObject({
      reason: 'regimen-unknown',
    });
    // Inherits the regimen of an earlier classified dose (R1a/R1d).
    expect(ids(run([F.prolia('2023-11-15'), procedure('2024-05-15')]))).toEqual(['DMAB-LAPSE']);
  });
  it('reads the HCPCS OID and ignores aborted, planned and entered-in-error charges', () => {
    expect(
      ids(run([F.prolia('2024-05-15'), procedure('2025-01-15', 'urn:oid:2.16.840.1.113883.6.285')])),
    ).toEqual([]);
    for (const status of ['aborted', 'planned', 'entered-in-error'])
      expect(ids(run([F.prolia('2024-05-15'), chargeItem('2025-01-15', 60, { status })]))).toEqual([
        'DMAB-LAPSE',
      ]);
  });
  it('a J0897 procedure is not mistaken for vertebral augmentation, and other procedures are no dose', () => {
    const other = { ...procedure('2025-01-15'), code: { coding: [{ system: F.CPT, code: '22511' }] } };
    expect(ids(run([F.prolia('2024-05-15'), other as FhirResource]))).toEqual(['DMAB-LAPSE']);
  });
});
