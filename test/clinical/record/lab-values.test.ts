import { describe, expect, it } from 'vitest';
import type { FhirResource } from '../../../src/protocol/types.js';
import { parseValueString, readLabValue } from '../../../src/clinical/record/lab-values.js';
import * as F from '../support/fhir.js';
import { byId, findingsFor, ids } from '../support/evaluate.js';

/** Issue #16 item 4 and decision 19: laboratory results as labs send them (NOW 2025-06-15). */

describe('parseValueString', () => {
  it.each([
    ['28', { value: 28, unit: '' }],
    ['<15', { value: 15, comparator: '<', unit: '' }],
    ['> 90', { value: 90, comparator: '>', unit: '' }],
    ['>=60', { value: 60, comparator: '>=', unit: '' }],
    ['≤ 7.5', { value: 7.5, comparator: '<=', unit: '' }],
    [' 8.2 mg/dL ', { value: 8.2, unit: 'mg/dL' }],
    ['8,5', { value: 8.5, unit: '' }],
    ['28 mL/min/{1.73_m2}', { value: 28, unit: 'mL/min/{1.73_m2}' }],
  ])('%j → %j', (text, expected) => expect(parseValueString(text)).toEqual(expected));

  it.each([
    '',
    'hemolyzed',
    'see comment',
    '5-10',
    '1,050',
    '8.',
    '<',
    'positive',
    'x'.repeat(41),
    '28 and rising',
  ])('%j is no number', (text) => expect(parseValueString(text)).toBeUndefined());

  it('reads valueQuantity comparators and valueInteger', () => {
    expect(readLabValue({ valueQuantity: { value: 15, comparator: '<', unit: 'mL/min' } })).toEqual({
      value: 15,
      comparator: '<',
      unit: 'mL/min',
    });
    expect(readLabValue({ valueInteger: 28 })).toEqual({ value: 28, unit: '' });
    expect(readLabValue({ valueBoolean: true })).toBeUndefined();
  });

  it('is linear on 1 MiB strings (capped before parsing)', () => {
    expect(parseValueString('1'.repeat(1 << 20))).toBeUndefined();
    expect(parseValueString(`<${' '.repeat(30)}1`)).toEqual({ value: 1, comparator: '<', unit: '' });
  });
});

const subject = { reference: `Patient/${F.PATIENT_ID}` };
const obs = (
  code: string,
  date: string,
  value: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) =>
  ({
    resourceType: 'Observation',
    id: `o-${Math.random().toString(36).slice(2)}`,
    status: 'final',
    subject,
    code: { coding: [{ system: F.LOINC, code }] },
    effectiveDateTime: date,
    ...value,
    ...extra,
  }) as FhirResource;

const base = () => [F.patient(), F.osteoporosis()];
const zolDraft = () => F.draftMedication(F.ZOLEDRONATE_5, 'zol', { doseMg: 5 });
const dmabDraft = () => F.draftMedication(F.PROLIA, 'dmab', { doseMg: 60 });
const orderFindings = (labs: FhirResource[], draft: FhirResource) =>
  findingsFor([...base(), ...labs], { hook: 'order-select', drafts: [draft], policy: 'osteoporosis-orders' });

describe('eGFR as labs send it', () => {
  const renal = (labs: FhirResource[]) => byId(orderFindings(labs, zolDraft()), 'ORDER-ZOL-RENAL');
  it('a number in valueString counts like a valueQuantity', () => {
    expect(renal([obs('62238-1', '2025-06-01', { valueString: '28' })])?.indicator).toBe('critical');
  });
  it('"<15" is below 35; "> 90" is not; "<60" leaves it open (no card)', () => {
    expect(renal([obs('62238-1', '2025-06-01', { valueString: '<15' })])).toBeDefined();
    expect(renal([obs('62238-1', '2025-06-01', { valueString: '> 90' })])).toBeUndefined();
    expect(renal([obs('62238-1', '2025-06-01', { valueString: '<60' })])).toBeUndefined();
    expect(
      renal([
        obs('62238-1', '2025-06-01', { valueQuantity: { value: 15, comparator: '<', unit: 'mL/min' } }),
      ]),
    ).toBeDefined();
  });
  it('eGFR LOINC 76633-7 is read as eGFR', () => {
    expect(
      renal([obs('76633-7', '2025-06-01', { valueQuantity: { value: 28, unit: 'mL/min/{1.73_m2}' } })]),
    ).toBeDefined();
  });
  it('a value in a component (panel) is read', () => {
    const panel = obs(
      '24362-6',
      '2025-06-01',
      {},
      {
        code: { text: 'Renal function panel' },
        component: [
          {
            code: { coding: [{ system: F.LOINC, code: '2160-0' }] },
            valueQuantity: { value: 2.1, unit: 'mg/dL' },
          },
          {
            code: { coding: [{ system: F.LOINC, code: '62238-1' }] },
            valueQuantity: { value: 28, unit: 'mL/min' },
          },
        ],
      },
    );
    expect(renal([panel])?.facts).toMatchObject({ measure: 'eGFR', value: 28 });
  });
  it('eGFR "<15" is below 30 for denosumab (ORDER-DMAB-CKD) and the card shows the comparator', () => {
    const f = orderFindings([obs('62238-1', '2025-06-01', { valueString: '<15' })], dmabDraft());
    expect(ids(f)).toContain('ORDER-DMAB-CKD');
    expect(byId(f, 'ORDER-DMAB-CKD')!.evidence[0]!.description).toContain('<15');
  });
});

describe('a result without a usable value is skipped by every lab check', () => {
  it('a newer hemolysed calcium without value does not hide an older low one', () => {
    const labs = [
      obs('17861-6', '2025-06-01', { valueQuantity: { value: 7.9, unit: 'mg/dL' } }),
      obs('17861-6', '2025-06-10', { valueString: 'hemolyzed' }),
      obs('17861-6', '2025-06-12', { dataAbsentReason: { text: 'specimen unsatisfactory' } }),
    ];
    expect(byId(orderFindings(labs, dmabDraft()), 'ORDER-DMAB-CA')?.facts).toMatchObject({ calcium: 7.9 });
  });
  it('nor an older low eGFR; and counts as no result for ORDER-LABS', () => {
    const labs = [
      obs('62238-1', '2025-06-01', { valueQuantity: { value: 28, unit: 'mL/min' } }),
      obs('62238-1', '2025-06-10', { valueString: 'see comment' }),
    ];
    expect(byId(orderFindings(labs, zolDraft()), 'ORDER-ZOL-RENAL')).toBeDefined();
    const missing = orderFindings([obs('17861-6', '2025-06-10', { valueString: 'hemolyzed' })], dmabDraft());
    expect(byId(missing, 'ORDER-LABS')?.facts).toMatchObject({
      missingLabs: expect.stringContaining('calcium'),
    });
  });
  it('an interpretation flag alone is still a result (decision 7)', () => {
    const labs = [obs('17861-6', '2025-06-10', { interpretation: [{ coding: [{ code: 'L' }] }] })];
    expect(byId(orderFindings(labs, dmabDraft()), 'ORDER-DMAB-CA')).toBeDefined();
  });
});

describe('decision 19: albumin-corrected calcium', () => {
  const ca = (labs: FhirResource[]) => byId(orderFindings(labs, dmabDraft()), 'ORDER-DMAB-CA');
  it('a low corrected calcium (mmol/L, 29265-6; mg/dL, 46099-8) triggers the low-calcium check', () => {
    expect(
      ca([obs('29265-6', '2025-06-10', { valueQuantity: { value: 2.0, unit: 'mmol/L' } })]),
    ).toBeDefined();
    expect(
      ca([obs('46099-8', '2025-06-10', { valueQuantity: { value: 8.1, unit: 'mg/dL' } })]),
    ).toBeDefined();
    expect(
      ca([obs('46099-8', '2025-06-10', { valueQuantity: { value: 9.1, unit: 'mg/dL' } })]),
    ).toBeUndefined();
  });
  it('same day: the corrected value decides over the total, both ways', () => {
    const total = (v: number) => obs('17861-6', '2025-06-10', { valueQuantity: { value: v, unit: 'mg/dL' } });
    const corrected = (v: number) =>
      obs('46099-8', '2025-06-10', { valueQuantity: { value: v, unit: 'mg/dL' } });
    expect(ca([total(8.0), corrected(9.0)])).toBeUndefined();
    expect(ca([corrected(9.0), total(8.0)])).toBeUndefined();
    expect(ca([total(9.0), corrected(8.0)])?.facts).toMatchObject({ calcium: 8 });
  });
  it('a newer total calcium still wins over an older corrected one', () => {
    expect(
      ca([
        obs('46099-8', '2025-06-01', { valueQuantity: { value: 9.0, unit: 'mg/dL' } }),
        obs('17861-6', '2025-06-10', { valueQuantity: { value: 8.0, unit: 'mg/dL' } }),
      ]),
    ).toBeDefined();
  });
});
