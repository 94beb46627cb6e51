import { describe, expect, it } from 'vitest';
import {
  compileTerminology,
  loadValueSetFiles,
  SHIPPABLE_LABELS,
} from '../../src/clinical/terminology/valuesets.js';
import { classifyAgent } from '../../src/clinical/terminology/classify-medication.js';
import { ICD10CM, RXNORM } from './support/fhir.js';

const terminology = compileTerminology();

describe('value sets as data', () => {
  it('every value set file is a versioned FHIR ValueSet with codes', () => {
    const files = loadValueSetFiles();
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) {
      expect(f.version).toMatch(/^\d{4}\.\d{2}\.\d+$/);
      expect(f.concepts.length).toBeGreaterThan(0);
    }
  });

  it('every shipped code carries a verification label other than UNVERIFIED, and a source note', () => {
    for (const f of loadValueSetFiles()) {
      for (const c of f.concepts) {
        expect(c.label, `${f.id} ${c.system}|${c.code}`).not.toBe('UNVERIFIED');
        expect(SHIPPABLE_LABELS.has(c.label), `${f.id} ${c.code} label ${c.label}`).toBe(true);
        expect(c.source.length, `${f.id} ${c.code} source`).toBeGreaterThan(0);
      }
    }
  });

  it('ICD-10-CM matches by normalised prefix (dots, case) and a missing system only for the ICD shape', () => {
    for (const code of ['M80.08XA', 'M8008XA', 'm80.08xa', 'S32.010A', 'S22.080S']) {
      expect(terminology.match('vertebral-fracture', [{ system: ICD10CM, code }]), code).toBeDefined();
    }
    expect(terminology.match('vertebral-fracture', [{ code: 'S32.010A' }])).toBeDefined();
    expect(terminology.match('vertebral-fracture', [{ system: ICD10CM, code: 'S32.10XA' }])).toBeUndefined(); // sacrum
    expect(terminology.match('vertebral-fracture', [{ system: ICD10CM, code: 'S12.8XXA' }])).toBeUndefined();
    expect(
      terminology.match('vertebral-fracture', [{ system: 'http://snomed.info/sct', code: '443165006' }]),
    ).toBeUndefined();
    expect(
      terminology.match('cardiovascular-events', [{ system: ICD10CM, code: 'I21.4' }])?.concept.props.event,
    ).toBe('myocardial infarction');
    expect(
      terminology.match('cardiovascular-events', [{ system: ICD10CM, code: 'G45.9' }])?.concept.props
        .otherCvd,
    ).toBe('true');
  });

  it('UNVERIFIED products are not coded matches: romosozumab is recognised by text only', () => {
    const romo = classifyAgent(terminology, { codings: [], text: 'Evenity 105 mg' });
    expect(romo).toMatchObject({ agent: 'romosozumab', matchedByText: true });
  });
});

describe('denosumab regimen classification (R1a)', () => {
  const classify = (text: string, code?: string, doseMg?: number) =>
    classifyAgent(terminology, {
      codings: code ? [{ system: RXNORM, code }] : [],
      text,
      ...(doseMg !== undefined ? { doseMg } : {}),
    });

  it('RxNorm lists first', () => {
    expect(classify('', '993452')).toMatchObject({
      agent: 'denosumab',
      regimen: 'osteoporosis',
      matchedByText: false,
    });
    expect(classify('', '1046402')).toMatchObject({ regimen: 'oncology' });
    expect(classify('', '2715513')).toMatchObject({ regimen: 'osteoporosis' }); // Jubbonti
    expect(classify('', '2717866')).toMatchObject({ regimen: 'oncology' }); // denosumab-bmwo
  });
  it('then the dose, then the strength text, then the brand', () => {
    expect(classify('denosumab', '993449', 60)).toMatchObject({
      regimen: 'osteoporosis',
      matchedByText: false,
    });
    expect(classify('denosumab', '993449', 120)).toMatchObject({ regimen: 'oncology' });
    expect(classify('denosumab', '993449')).toMatchObject({ regimen: 'unknown' });
    expect(classify('denosumab 60 mg/mL syringe')).toMatchObject({
      regimen: 'osteoporosis',
      matchedByText: true,
    });
    expect(classify('denosumab 70 mg/mL 1.7 mL vial')).toMatchObject({
      regimen: 'oncology',
      matchedByText: true,
    });
    expect(classify('Xgeva injection')).toMatchObject({ regimen: 'oncology' });
    expect(classify('Prolia injection')).toMatchObject({ regimen: 'osteoporosis' });
    expect(classify('Oziltus')).toMatchObject({
      agent: 'denosumab',
      regimen: 'oncology',
      matchedByText: true,
    });
  });
});
