import { describe, expect, it } from 'vitest';
import * as F from './support/fhir.js';
import { byId, findingsFor, ids } from './support/evaluate.js';

/** Decisions 16 (planned follow-on in the same order session) and 17 (duplicate denosumab), NOW 2025-06-15. */

const base = () => [F.patient(), F.osteoporosis(), ...F.normalLabs()];
const sign = (resources: ReturnType<typeof base>, drafts: ReturnType<typeof base>) =>
  findingsFor([...base(), ...resources], { hook: 'order-sign', drafts });

describe('decision 16: planned follow-on therapy', () => {
  it('a lapsed patient with a zoledronic acid draft: info transition card naming the order, no lapse card', () => {
    const f = sign([F.prolia('2024-05-15')], [F.draftMedication(F.ZOLEDRONATE_5, 'zol', { doseMg: 5 })]);
    expect(ids(f)).toEqual(['DMAB-TRANSITION-MONITOR']);
    const tm = byId(f, 'DMAB-TRANSITION-MONITOR')!;
    expect(tm.indicator).toBe('info');
    expect(tm.facts).toMatchObject({ plannedOrder: F.ZOLEDRONATE_5.display, therapyDate: '2025-06-15' });
  });
  it('an overdue patient with a denosumab draft, and an alendronate draft after a short course', () => {
    expect(ids(sign([F.prolia('2024-11-15')], [F.draftMedication(F.PROLIA, 'd', { doseMg: 60 })]))).toEqual([
      'DMAB-TRANSITION-MONITOR',
    ]);
    expect(ids(sign([F.prolia('2024-05-15')], [F.draftMedication(F.ALENDRONATE_70, 'a')]))).toEqual([
      'DMAB-TRANSITION-MONITOR',
    ]);
  });
  it('an oral bisphosphonate draft after ≥ 6 doses gives DMAB-ORALBP-AFTER-LONG (warning)', () => {
    const doses = ['2021-11-15', '2022-05-15', '2022-11-15', '2023-05-15', '2023-11-15', '2024-05-15'].map(
      (d) => F.prolia(d),
    );
    const f = byId(sign(doses, [F.draftMedication(F.ALENDRONATE_70, 'a')]), 'DMAB-ORALBP-AFTER-LONG')!;
    expect(f.indicator).toBe('warning');
    expect(f.facts).toMatchObject({ denosumabDoseCount: 6, plannedOrder: F.ALENDRONATE_70.display });
  });
  it('a planned stop with a zoledronic acid draft is planned therapy too', () => {
    const stopped = [
      F.prolia('2025-03-01'),
      F.statement(F.PROLIA, {
        status: 'stopped',
        effectiveDateTime: '2025-03-01',
        dateAsserted: '2025-06-10',
      }),
    ];
    expect(ids(sign(stopped, [F.draftMedication(F.ZOLEDRONATE_5, 'zol', { doseMg: 5 })]))).toEqual([
      'DMAB-TRANSITION-MONITOR',
    ]);
  });
  it('unrelated drafts, stopping drafts, oncology zoledronate and patient-view keep the lapse card', () => {
    const lapse = [F.prolia('2024-05-15')];
    expect(ids(sign(lapse, [F.draftMedication({ text: 'amoxicillin 500 mg' }, 'x')]))).toEqual([
      'DMAB-LAPSE',
    ]);
    expect(
      ids(sign(lapse, [F.draftMedication(F.PROLIA, 's', { status: 'cancelled' })])).filter((i) =>
        i.startsWith('DMAB'),
      ),
    ).toEqual(['DMAB-LAPSE']);
    expect(
      ids(sign(lapse, [F.draftMedication({ system: F.RXNORM, code: '1114085' }, 'z4', { doseMg: 4 })])),
    ).toContain('DMAB-LAPSE');
    expect(ids(findingsFor([...base(), ...lapse]))).toEqual(['DMAB-LAPSE']);
  });
});

describe('decision 17: ORDER-DMAB-DUPLICATE', () => {
  it('Prolia draft while Xgeva is within its 4-week interval → warning', () => {
    const f = byId(
      sign(
        [F.administration(F.XGEVA, '2025-05-30', { doseMg: 120 })],
        [F.draftMedication(F.PROLIA, 'p', { doseMg: 60 })],
      ),
      'ORDER-DMAB-DUPLICATE',
    )!;
    expect(f.indicator).toBe('warning');
    expect(f.facts).toMatchObject({ otherEvidence: expect.stringContaining('2025-05-30') });
    expect(f.draftOrderRef).toBe('MedicationRequest/p');
  });
  it('Xgeva draft while Prolia is within 6 months + grace → warning; after it → none', () => {
    const xgevaDraft = () => [F.draftMedication(F.XGEVA, 'x', { doseMg: 120 })];
    expect(ids(sign([F.prolia('2025-01-15')], xgevaDraft()))).toContain('ORDER-DMAB-DUPLICATE');
    expect(ids(sign([F.prolia('2024-11-15')], xgevaDraft()))).not.toContain('ORDER-DMAB-DUPLICATE');
  });
  it('an active Xgeva order counts; an Xgeva dose older than 4 weeks does not', () => {
    const prolia = () => [F.draftMedication(F.PROLIA, 'p', { doseMg: 60 })];
    expect(ids(sign([F.medicationRequest(F.XGEVA, { authoredOn: '2025-01-01' })], prolia()))).toContain(
      'ORDER-DMAB-DUPLICATE',
    );
    expect(ids(sign([F.administration(F.XGEVA, '2025-05-01', { doseMg: 120 })], prolia()))).not.toContain(
      'ORDER-DMAB-DUPLICATE',
    );
  });
  it('the same regimen again (an overdue Prolia re-dose) is no duplicate', () => {
    expect(
      ids(sign([F.prolia('2025-01-15')], [F.draftMedication(F.PROLIA, 'p', { doseMg: 60 })])),
    ).not.toContain('ORDER-DMAB-DUPLICATE');
  });
});
