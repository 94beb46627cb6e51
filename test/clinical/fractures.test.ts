import { describe, expect, it } from 'vitest';
import * as F from './support/fhir.js';
import { byId, findingsFor, ids } from './support/evaluate.js';

const base = () => [F.patient(), F.osteoporosis()];
const run = (resources: unknown[]) => findingsFor([...base(), ...(resources as ReturnType<typeof base>)]);

describe('R7 recent and imminent-risk vertebral fracture (decision 11)', () => {
  it('onset 8 months ago, ICD-10 S32.010A → VFX-RECENT warning (scenario 25)', () => {
    const f = byId(run([F.condition(F.icd('S32.010A'), { onset: '2024-10-15' })]), 'VFX-RECENT')!;
    expect(f.indicator).toBe('warning');
    expect(f.facts).toMatchObject({
      fractureDate: '2024-10-15',
      monthsSinceFracture: 8,
      dateSource: 'onset',
    });
  });
  it('exactly 12 months → recent; one day more → imminent info', () => {
    expect(ids(run([F.condition(F.icd('S22.080A'), { onset: '2024-06-15' })]))).toEqual(['VFX-RECENT']);
    const f = run([F.condition(F.icd('S22.080A'), { onset: '2024-06-14' })]);
    expect(f[0]).toMatchObject({ id: 'VFX-IMMINENT', indicator: 'info' });
  });
  it('SNOMED 42942008 onset 18 months ago → VFX-IMMINENT info (scenario 27)', () => {
    expect(run([F.condition(F.snomed('42942008'), { onset: '2023-12-15' })])[0]).toMatchObject({
      id: 'VFX-IMMINENT',
      indicator: 'info',
    });
  });
  it('exactly 24 months → imminent; one day more → no card', () => {
    expect(ids(run([F.condition(F.snomed('42942008'), { onset: '2023-06-15' })]))).toEqual(['VFX-IMMINENT']);
    expect(ids(run([F.condition(F.snomed('42942008'), { onset: '2023-06-14' })]))).toEqual([]);
  });
  it('sequela (7th character S) is never recent, whatever its recordedDate (scenario 29)', () => {
    expect(ids(run([F.condition(F.icd('S22.080S'), { recordedDate: '2025-05-01' })]))).toEqual([]);
  });
  it('refuted and entered-in-error fractures are ignored (scenario 31)', () => {
    expect(
      ids(run([F.condition(F.icd('M80.08XA'), { onset: '2025-03-01', verification: 'refuted' })])),
    ).toEqual([]);
    expect(
      ids(run([F.condition(F.icd('M80.08XA'), { onset: '2025-03-01', verification: 'entered-in-error' })])),
    ).toEqual([]);
  });
  it('unconfirmed fracture → info only', () => {
    expect(
      run([F.condition(F.icd('M80.08XA'), { onset: '2025-03-01', verification: 'provisional' })])[0],
    ).toMatchObject({ id: 'VFX-RECENT', indicator: 'info' });
  });
  it('recordedDate is the fallback date, labelled as recorded', () => {
    expect(run([F.condition(F.icd('M80.08XA'), { recordedDate: '2025-03-01' })])[0]!.facts).toMatchObject({
      dateSource: 'recorded',
    });
  });
  it('onsetAge resolves with the birth date', () => {
    const c = {
      ...F.condition(F.icd('M80.08XA')),
      onsetAge: { value: 72, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' },
    };
    expect(run([c])[0]!.facts).toMatchObject({ fractureDate: '2025-01-10' });
  });
  it('text-only vertebral fracture → info, flagged; Synthea 443165006 (any site) is not vertebral', () => {
    expect(
      run([F.condition({ text: 'Compression fracture L2 vertebra' }, { onset: '2025-03-01' })])[0],
    ).toMatchObject({ indicator: 'info', matchedByTextOnly: true });
    expect(
      ids(
        run([F.condition(F.snomed('443165006', 'Osteoporotic fracture of bone'), { onset: '2025-03-01' })]),
      ),
    ).toEqual([]);
  });
  it('neoplastic vertebral fracture gives no osteoporosis card', () => {
    expect(ids(run([F.condition(F.icd('M84.58XA'), { onset: '2025-03-01' })]))).toEqual([]);
  });
  it('ICD codes without dots match (R15)', () => {
    expect(ids(run([F.condition(F.icd('M8008XA'), { onset: '2025-03-01' })]))).toEqual(['VFX-RECENT']);
  });
});

describe('R8 suspected rebound-associated vertebral fractures', () => {
  const rvfx = () => [
    F.prolia('2024-06-01'),
    F.condition(F.icd('M80.08XA'), { onset: '2025-04-20', bodySite: 'L1' }),
    F.condition(F.icd('S32.030A'), { onset: '2025-05-10' }),
  ];
  it('two fractures after t_due → one critical RVFX-SUSPECTED card subsuming lapse and recent fracture (scenario 35)', () => {
    const f = run(rvfx());
    expect(ids(f)).toEqual(['RVFX-SUSPECTED']);
    expect(f[0]).toMatchObject({
      indicator: 'critical',
      facts: {
        fractureCount: 2,
        multiple: true,
        firstFractureDate: '2025-04-20',
        lastDoseDate: '2024-06-01',
      },
    });
  });
  it('single fracture one day after t_due → RVFX-SUSPECTED (single)', () => {
    const f = run([F.prolia('2024-06-01'), F.condition(F.icd('S32.010A'), { onset: '2024-12-02' })]);
    expect(f.map((x) => [x.id, x.indicator])).toEqual([['RVFX-SUSPECTED', 'critical']]);
    expect(f[0]!.facts).toMatchObject({ fractureCount: 1, multiple: false });
  });
  it('fracture on t_due is not a rebound fracture (lapse + recent fracture instead)', () => {
    expect(
      ids(run([F.prolia('2024-06-01'), F.condition(F.icd('S32.010A'), { onset: '2024-12-01' })])),
    ).toEqual(['DMAB-LAPSE', 'VFX-RECENT']);
  });
  it('fracture later than t_last + 24 months is not a rebound fracture', () => {
    expect(
      ids(run([F.prolia('2023-05-01'), F.condition(F.icd('S32.010A'), { onset: '2025-05-02' })])),
    ).toEqual(['DMAB-LONG-GAP', 'VFX-RECENT']);
  });
  it('zoledronate given before the fracture mitigates (no rebound card)', () => {
    const f = run([...rvfx(), F.administration(F.ZOLEDRONATE_5, '2024-12-10')]);
    expect(ids(f)).toEqual(['DMAB-TRANSITION-MONITOR', 'VFX-RECENT']);
  });
  it('subsequent-encounter records of the same fracture count once', () => {
    const f = run([
      F.prolia('2024-06-01'),
      F.condition(F.icd('S32.010A'), { onset: '2025-04-20' }),
      F.condition(F.icd('S32.010D'), { onset: '2025-05-20' }),
    ]);
    expect(f[0]!.facts).toMatchObject({ fractureCount: 1, multiple: false });
  });
  it('decision 14: romosozumab started after the fractures without zoledronate/denosumab → info', () => {
    const f = run([...rvfx(), F.administration(F.ROMOSOZUMAB, '2025-05-20')]);
    expect(f[0]).toMatchObject({ id: 'RVFX-SUSPECTED', indicator: 'info', facts: { romosozumabOnly: true } });
  });
  it('decision 15: at most one denosumab-status and one vertebral-fracture card', () => {
    const f = run([...rvfx(), F.condition(F.icd('S22.080A'), { onset: '2024-01-01' })]);
    expect(ids(f)).toEqual(['RVFX-SUSPECTED']);
  });
  it('a text-only rebound fracture does not hide a coded critical lapse', () => {
    const f = run([
      F.prolia('2024-06-01'),
      F.condition({ text: 'fracture of L1 vertebra' }, { onset: '2025-04-20' }),
    ]);
    expect(f[0]).toMatchObject({ id: 'RVFX-SUSPECTED', indicator: 'critical', matchedByTextOnly: true });
  });
});
