import { describe, expect, it } from 'vitest';
import {
  SYSTEMS,
  canonicalSystem,
  ndcPackage11,
  ndcProductCandidates,
} from '../../src/clinical/terminology/systems.js';
import { compileTerminology } from '../../src/clinical/terminology/valuesets.js';
import { classifyAgent, classifyGlucocorticoid } from '../../src/clinical/terminology/classify-medication.js';

/** Issue #16 item 3: codes in every form they arrive in (NDC forms, OIDs). */

const terminology = compileTerminology();
const NDC = SYSTEMS.ndc;
const agentOf = (system: string, code: string) =>
  classifyAgent(terminology, { codings: [{ system, code }], text: '' });

describe('canonicalSystem: OIDs and URI spellings', () => {
  it.each([
    ['urn:oid:2.16.840.1.113883.6.88', SYSTEMS.rxnorm],
    ['2.16.840.1.113883.6.88', SYSTEMS.rxnorm],
    ['URN:OID:2.16.840.1.113883.6.90', SYSTEMS.icd10cm],
    ['urn:oid:2.16.840.1.113883.6.96', SYSTEMS.snomed],
    ['2.16.840.1.113883.6.1', SYSTEMS.loinc],
    ['urn:oid:2.16.840.1.113883.6.69', SYSTEMS.ndc],
    ['urn:oid:2.16.840.1.113883.6.285', SYSTEMS.hcpcs],
    ['urn:oid:2.16.840.1.113883.6.12', SYSTEMS.cpt],
    [' http://loinc.org ', SYSTEMS.loinc],
    ['https://loinc.org', SYSTEMS.loinc],
    ['http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', SYSTEMS.hcpcs],
  ])('%s → %s', (input, expected) => expect(canonicalSystem(input)).toBe(expected));

  it('leaves other systems as written and refuses non-strings', () => {
    expect(canonicalSystem('urn:oid:1.2.3')).toBe('urn:oid:1.2.3');
    expect(canonicalSystem('http://example.org/local')).toBe('http://example.org/local');
    expect(canonicalSystem(undefined)).toBeUndefined();
    expect(canonicalSystem(42)).toBeUndefined();
    expect(canonicalSystem('  ')).toBeUndefined();
  });

  it('an OID system gives the same coded match as the URI (RxNorm, ICD-10-CM, LOINC)', () => {
    expect(agentOf('urn:oid:2.16.840.1.113883.6.88', '993452')).toMatchObject({
      agent: 'denosumab',
      regimen: 'osteoporosis',
      matchedByText: false,
    });
    expect(
      terminology.match('vertebral-fracture', [{ system: '2.16.840.1.113883.6.90', code: 'M80.08XA' }]),
    ).toBeDefined();
    expect(
      terminology.match('bone-labs', [{ system: 'urn:oid:2.16.840.1.113883.6.1', code: '17861-6' }]),
    ).toBeDefined();
  });
});

describe('NDC forms', () => {
  it.each([
    ['55513-710-01', ['55513-0710']], // 5-3-2
    ['0002-8400-01', ['00002-8400']], // 4-4-2
    ['70121-2701-1', ['70121-2701']], // 5-4-1
    ['55513-0710-01', ['55513-0710']], // 5-4-2 (11 digits with hyphens)
    ['55513071001', ['55513-0710']], // 11 digits
    ['55513-710', ['55513-0710']], // product 5-3
    ['0002-8400', ['00002-8400']], // product 4-4
    ['555130710', ['55513-0710']], // product 9 digits
    ['5551371001', ['05551-3710', '55513-0710', '55513-7100']], // 10 digits: three readings
  ])('%s → %j', (code, expected) => expect(ndcProductCandidates(code)).toEqual(expected));

  it('refuses what is not an NDC', () => {
    for (const bad of [
      '',
      'abc',
      '55513--01',
      '1-2-3',
      '123',
      '5551307100123456789012',
      '55513-710-001',
      '55513-7a0',
    ])
      expect(ndcProductCandidates(bad)).toEqual([]);
  });

  it('package codes normalise to the 11-digit 5-4-2 form', () => {
    expect(ndcPackage11('0002-8400-01')).toBe('00002840001');
    expect(ndcPackage11('55513-710-01')).toBe('55513071001');
    expect(ndcPackage11('70121-2701-1')).toBe('70121270101');
    expect(ndcPackage11('55513071001')).toBe('55513071001');
    expect(ndcPackage11('5551371001')).toBeUndefined();
  });

  it.each([
    ['55513-710-01', 'denosumab', 'osteoporosis'],
    ['55513071021', 'denosumab', 'osteoporosis'],
    ['5551371001', 'denosumab', 'osteoporosis'],
    ['55513-730-01', 'denosumab', 'oncology'],
    ['65219-672-01', 'denosumab', 'oncology'],
    ['70121-2701-1', 'denosumab', 'oncology'],
    ['78206-193-01', 'denosumab', 'osteoporosis'],
    ['43598-331-11', 'zoledronate', 'osteoporosis'],
    ['67457-390-54', 'zoledronate', 'oncology'],
    ['0002-8400-01', 'teriparatide', 'unknown'],
    ['00002840001', 'teriparatide', 'unknown'],
    ['0093-3098-29', 'oral-bisphosphonate', 'unknown'],
    ['55513-880-02', 'romosozumab', 'unknown'],
    ['55513088001', 'romosozumab', 'unknown'],
  ])('NDC %s is %s (%s), a coded match', (code, agent, regimen) => {
    expect(agentOf(NDC, code)).toMatchObject({ agent, regimen, matchedByText: false });
    expect(agentOf('urn:oid:2.16.840.1.113883.6.69', code)).toMatchObject({ agent });
  });

  it('glucocorticoid NDCs carry ingredient and strength', () => {
    expect(
      classifyGlucocorticoid(terminology, { codings: [{ system: NDC, code: '0378-0640-01' }], text: '' }),
    ).toMatchObject({ ingredient: 'prednisone', strengthMg: 5, matchedByText: false });
    expect(
      classifyGlucocorticoid(terminology, { codings: [{ system: NDC, code: '00603533621' }], text: '' }),
    ).toMatchObject({ strengthMg: 2.5 });
  });

  it('an unknown NDC, or an NDC under another system, is no coded match', () => {
    expect(agentOf(NDC, '12345-678-90')).toBeUndefined();
    expect(agentOf(SYSTEMS.rxnorm, '55513-710-01')).toBeUndefined();
  });

  it('every shipped NDC is a hyphenated product code of one product', () => {
    const ndc = terminology.concepts().filter((c) => c.system === NDC);
    expect(ndc.length).toBeGreaterThanOrEqual(35);
    for (const c of ndc) {
      expect(ndcProductCandidates(c.code)).toHaveLength(1);
      expect(c.label).toBe('V-FDA');
      // Each from an FDA source: the openFDA NDC directory, or the DailyMed label's NDC list.
      expect(c.source).toMatch(/openFDA|DailyMed label .*set id [0-9a-f-]{36}/);
    }
  });
});

describe('HCPCS J0897 (decision 18)', () => {
  it('is a coded denosumab match, regimen from the dose', () => {
    const hcpcs = (doseMg?: number) =>
      classifyAgent(terminology, {
        codings: [{ system: 'urn:oid:2.16.840.1.113883.6.285', code: 'J0897' }],
        text: '',
        ...(doseMg !== undefined ? { doseMg } : {}),
      });
    expect(hcpcs(60)).toMatchObject({ agent: 'denosumab', regimen: 'osteoporosis', matchedByText: false });
    expect(hcpcs(120)).toMatchObject({ regimen: 'oncology' });
    expect(hcpcs(30)).toMatchObject({ regimen: 'unknown' });
    expect(hcpcs()).toMatchObject({ regimen: 'unknown' });
  });
});

describe('linear time on hostile input (1 MiB)', () => {
  it('system and NDC readers finish on 1 MiB strings (no backtracking)', () => {
    const big = `urn:oid:${'1.'.repeat(512 * 1024)}`;
    const digits = '1-'.repeat(512 * 1024);
    expect(canonicalSystem(big)).toBe(big);
    expect(ndcProductCandidates(digits)).toEqual([]);
    expect(ndcPackage11(digits)).toBeUndefined();
    expect(agentOf(NDC, digits)).toBeUndefined();
    expect(agentOf(big, '1')).toBeUndefined();
    // No timing assertion: a backtracking reader would not finish within the test timeout.
  });
});
