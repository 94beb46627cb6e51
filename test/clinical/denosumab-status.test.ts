import { describe, expect, it } from 'vitest';
import * as F from './support/fhir.js';
import { byId, findingsFor, ids } from './support/evaluate.js';

const base = () => [F.patient(), F.osteoporosis()];
const status = (resources: ReturnType<typeof base>, now?: string) =>
  findingsFor([...base(), ...resources], now ? { now } : {});

describe('R3/R5 overdue, lapse and long-gap boundaries (NOW 2025-06-15)', () => {
  it('on time through t_due + 28 days: no card (scenarios 1, 2)', () => {
    expect(ids(status([F.prolia('2025-01-15')]))).toEqual([]);
    expect(ids(status([F.prolia('2024-12-15')]))).toEqual([]);
    // t_due 2025-05-18, + 28 d = 2025-06-15 = today → still on time
    expect(ids(status([F.prolia('2024-11-18')]))).toEqual([]);
  });
  it('one day past t_due + 28 → DMAB-OVERDUE warning (scenario 4)', () => {
    const f = byId(status([F.prolia('2024-11-17')]), 'DMAB-OVERDUE')!;
    expect(f.indicator).toBe('warning');
    expect(f.facts).toMatchObject({
      lastDoseDate: '2024-11-17',
      dueDate: '2025-05-17',
      daysOverdue: 29,
      today: '2025-06-15',
    });
  });
  it('7 months → DMAB-OVERDUE with monthsSinceLastDose 7 (scenario 5)', () => {
    expect(byId(status([F.prolia('2024-11-15')]), 'DMAB-OVERDUE')?.facts).toMatchObject({
      monthsSinceLastDose: 7,
    });
  });
  it('t_due + 112 days is still overdue; one day more is a critical lapse', () => {
    expect(ids(status([F.prolia('2024-08-23')]))).toEqual(['DMAB-OVERDUE']);
    const lapse = byId(status([F.prolia('2024-08-22')]), 'DMAB-LAPSE')!;
    expect(lapse.indicator).toBe('critical');
  });
  it('10 and 13 months → DMAB-LAPSE critical (scenarios 7, 8)', () => {
    expect(byId(status([F.prolia('2024-08-15')]), 'DMAB-LAPSE')?.indicator).toBe('critical');
    expect(byId(status([F.prolia('2024-05-15')]), 'DMAB-LAPSE')?.facts).toMatchObject({
      monthsSinceLastDose: 13,
      lastDoseDate: '2024-05-15',
    });
  });
  it('exactly 24 months is a lapse; one day more is DMAB-LONG-GAP warning', () => {
    expect(ids(status([F.prolia('2023-06-15')]))).toEqual(['DMAB-LAPSE']);
    const gap = byId(status([F.prolia('2023-06-14')]), 'DMAB-LONG-GAP')!;
    expect(gap.indicator).toBe('warning');
    expect(gap.facts).toMatchObject({ lastDoseDate: '2023-06-14', monthsSinceLastDose: 24 });
  });
  it('the latest dose counts; re-dosing resets t_last', () => {
    expect(ids(status([F.prolia('2023-01-10'), F.prolia('2023-07-10'), F.prolia('2025-01-10')]))).toEqual([]);
  });
  it('biosimilar Jubbonti is recognised (scenario 15)', () => {
    expect(byId(status([F.administration(F.JUBBONTI, '2024-05-15')]), 'DMAB-LAPSE')?.indicator).toBe(
      'critical',
    );
  });
});

describe('decision 1: prior vertebral fracture escalates', () => {
  const fracture = F.condition(F.icd('S32.010A'), { onset: '2022-03-01' });
  it('overdue + prior coded VFx → DMAB-LAPSE critical, escalated', () => {
    const f = byId(status([F.prolia('2024-11-15'), fracture]), 'DMAB-LAPSE')!;
    expect(f.indicator).toBe('critical');
    expect(f.facts).toMatchObject({ escalatedForPriorFracture: true, priorFractureDate: '2022-03-01' });
  });
  it('long gap + prior VFx → critical', () => {
    expect(byId(status([F.prolia('2022-06-01'), fracture]), 'DMAB-LONG-GAP')?.indicator).toBe('critical');
  });
  it('on time + prior VFx: no status card', () => {
    expect(ids(status([F.prolia('2025-01-15'), fracture]))).toEqual([]);
  });
  it('a prior fracture recognised by text only does not escalate (decision 5) but is named', () => {
    const f = status([
      F.prolia('2024-11-15'),
      F.condition({ text: 'old wedge fracture T12 vertebra' }, { onset: '2020-01-01' }),
    ]);
    expect(ids(f)).toEqual(['DMAB-OVERDUE']);
    expect(byId(f, 'DMAB-OVERDUE')!.notes?.join(' ')).toMatch(/text only/);
  });
});

describe('R6 mitigation and transition', () => {
  it('zoledronate after t_last replaces the lapse with DMAB-TRANSITION-MONITOR info and CTX dates (scenario 9)', () => {
    const f = status([F.prolia('2024-05-15'), F.administration(F.ZOLEDRONATE_5, '2024-11-20')]);
    expect(ids(f)).toEqual(['DMAB-TRANSITION-MONITOR']);
    expect(f[0]!.indicator).toBe('info');
    expect(f[0]!.facts).toMatchObject({
      therapyDate: '2024-11-20',
      ctx3moDate: '2025-02-20',
      ctx6moDate: '2025-05-20',
    });
    expect(f[0]!.facts).not.toHaveProperty('ctxOnFile');
  });
  it('zoledronate before t_last does not mitigate', () => {
    expect(ids(status([F.administration(F.ZOLEDRONATE_5, '2024-01-20'), F.prolia('2024-05-15')]))).toEqual([
      'DMAB-LAPSE',
    ]);
  });
  it('CTX on file and elevated is reported', () => {
    const f = status([
      F.prolia('2024-05-15'),
      F.administration(F.ZOLEDRONATE_5, '2024-11-20'),
      F.observation('41171-0', 650, 'pg/mL', '2025-02-25', { high: 573 }),
    ]);
    expect(f[0]!.facts).toMatchObject({ ctxOnFile: '650 pg/mL on 2025-02-25', ctxElevated: true });
  });
  it('zoledronate earlier than 5 months after the last injection gets a timing note', () => {
    const f = status([F.prolia('2024-05-15'), F.administration(F.ZOLEDRONATE_5, '2024-10-01')]);
    expect(f[0]!.id).toBe('DMAB-TRANSITION-MONITOR');
    expect(f[0]!.facts).toHaveProperty('timingNote');
  });
  it('oral bisphosphonate after ≥6 doses / >2.5 years → DMAB-ORALBP-AFTER-LONG warning (scenario 11)', () => {
    const f = status([
      F.statement(F.PROLIA, { status: 'stopped', period: { start: '2019-06-01', end: '2024-06-01' } }),
      F.statement(F.ALENDRONATE_70, { status: 'active', period: { start: '2024-12-01' } }),
    ]);
    expect(ids(f)).toEqual(['DMAB-ORALBP-AFTER-LONG']);
    expect(f[0]!.indicator).toBe('warning');
    expect(f[0]!.facts).toMatchObject({
      lastDoseDate: '2024-06-01',
      oralBisphosphonateStart: '2024-12-01',
      denosumabYears: 5,
    });
  });
  it('oral bisphosphonate after a short course → transition monitoring info', () => {
    const f = status([
      F.prolia('2023-12-01'),
      F.prolia('2024-06-01'),
      F.statement(F.ALENDRONATE_70, { status: 'active', period: { start: '2024-12-01' } }),
    ]);
    expect(ids(f)).toEqual(['DMAB-TRANSITION-MONITOR']);
  });
  it('decision 4: raloxifene does not suppress the lapse and is named', () => {
    const f = status([
      F.prolia('2024-05-15'),
      F.medicationRequest(
        { system: F.RXNORM, code: '72143', display: 'Raloxifene' },
        { authoredOn: '2024-12-01' },
      ),
    ]);
    const lapse = byId(f, 'DMAB-LAPSE')!;
    expect(lapse.facts).toMatchObject({ nonMitigatingTherapy: 'Raloxifene' });
    expect(lapse.notes?.join(' ')).toMatch(/Raloxifene/);
  });
});

describe('R4 planned stop', () => {
  it('stopped statement with the last dose 3.5 months ago → DMAB-PLANNED-STOP warning (scenario 61)', () => {
    const f = status([
      F.prolia('2025-03-01'),
      F.statement(F.PROLIA, {
        status: 'stopped',
        effectiveDateTime: '2025-03-01',
        dateAsserted: '2025-06-10',
      }),
    ]);
    expect(ids(f)).toEqual(['DMAB-PLANNED-STOP']);
    expect(f[0]!.indicator).toBe('warning');
    expect(f[0]!.facts).toMatchObject({
      lastDoseDate: '2025-03-01',
      stopDate: '2025-06-10',
      followOnDueDate: '2025-09-01',
    });
  });
  it('a stop superseded by a later dose is ignored (latest dated evidence wins)', () => {
    const f = status([
      F.statement(F.PROLIA, {
        status: 'stopped',
        effectiveDateTime: '2024-06-01',
        dateAsserted: '2024-07-01',
      }),
      F.prolia('2025-03-01'),
    ]);
    expect(ids(f)).toEqual([]);
  });
  it('"completed" alone is not a stop', () => {
    expect(
      ids(status([F.statement(F.PROLIA, { status: 'completed', effectiveDateTime: '2025-03-01' })])),
    ).toEqual([]);
  });
});

describe('R2/R15 data quality', () => {
  it('entered-in-error dose is ignored (scenario 18)', () => {
    const f = status([F.prolia('2025-03-01', { status: 'entered-in-error' }), F.prolia('2024-05-15')]);
    expect(ids(f)).toEqual(['DMAB-LAPSE']);
    expect(f[0]!.facts).toMatchObject({ lastDoseDate: '2024-05-15' });
  });
  it('not-done administration and not-taken statement are ignored', () => {
    expect(ids(status([F.prolia('2025-03-01', { status: 'not-done' }), F.prolia('2024-05-15')]))).toEqual([
      'DMAB-LAPSE',
    ]);
    expect(
      ids(
        status([
          F.statement(F.PROLIA, { status: 'not-taken', effectiveDateTime: '2025-03-01' }),
          F.prolia('2024-05-15'),
        ]),
      ),
    ).toEqual(['DMAB-LAPSE']);
  });
  it('statement without a dose date → DMAB-DATA no-dose-date info, no overdue calculation (scenario 21)', () => {
    const f = status([F.statement(F.PROLIA, { status: 'active', dateAsserted: '2025-06-01' })]);
    expect(ids(f)).toEqual(['DMAB-DATA']);
    expect(f[0]!).toMatchObject({
      indicator: 'info',
      facts: { reason: 'no-dose-date', documentedDate: '2025-06-01' },
    });
  });
  it('an order alone is not an administration → DMAB-DATA order-only', () => {
    const f = status([F.medicationRequest(F.PROLIA, { status: 'completed', authoredOn: '2024-05-10' })]);
    expect(f[0]).toMatchObject({
      id: 'DMAB-DATA',
      facts: { reason: 'order-only', documentedDate: '2024-05-10' },
    });
  });
  it('an order never clears an overdue alert', () => {
    const f = status([
      F.prolia('2024-05-15'),
      F.medicationRequest(F.PROLIA, { status: 'active', authoredOn: '2025-01-10' }),
    ]);
    expect(ids(f)).toEqual(['DMAB-LAPSE']);
    expect(f[0]!.notes?.join(' ')).toMatch(/ordered on 2025-01-10/);
  });
  it('future-dated dose (> now + 1 day) is ignored; tomorrow is tolerated', () => {
    expect(ids(status([F.prolia('2025-06-17'), F.prolia('2024-05-15')]))).toEqual(['DMAB-LAPSE']);
    expect(ids(status([F.prolia('2025-06-16'), F.prolia('2024-05-15')]))).toEqual([]);
    expect(status([F.prolia('2025-08-01')])[0]).toMatchObject({
      id: 'DMAB-DATA',
      facts: { reason: 'future-date' },
    });
  });
  it('same dose recorded twice (statement + administration) counts once', () => {
    const f = status([
      F.statement(F.PROLIA, { status: 'stopped', period: { start: '2019-06-01', end: '2024-06-01' } }),
      F.prolia('2024-06-01'),
      F.statement(F.ALENDRONATE_70, { status: 'active', period: { start: '2024-12-01' } }),
      F.prolia('2024-06-01'),
      F.prolia('2023-12-01'),
    ]);
    expect(f[0]!.facts).toMatchObject({ denosumabDoseCount: 2 });
  });
  it('medicationReference to a contained Medication is resolved', () => {
    const ma = {
      resourceType: 'MedicationAdministration',
      id: 'ref1',
      status: 'completed',
      contained: [
        { resourceType: 'Medication', id: 'm', code: { coding: [{ system: F.RXNORM, code: '993452' }] } },
      ],
      medicationReference: { reference: '#m' },
      effectiveDateTime: '2024-05-15',
    };
    expect(ids(status([ma]))).toEqual(['DMAB-LAPSE']);
  });
  it('medicationReference to a bundled Medication is resolved', () => {
    const med = {
      resourceType: 'Medication',
      id: 'xg',
      code: { coding: [{ system: F.RXNORM, code: '1046402' }] },
    };
    const ma = {
      resourceType: 'MedicationAdministration',
      id: 'ref2',
      status: 'completed',
      medicationReference: { reference: 'Medication/xg' },
      effectiveDateTime: '2024-05-15',
    };
    expect(ids(status([med, ma]))).toEqual(['ONC-DMAB-STOP']);
  });
  it('decision 5: a dose matched by text only is capped at warning and flagged', () => {
    const f = status([F.administration({ text: 'Prolia 60 mg injection' }, '2024-05-15')]);
    expect(f[0]).toMatchObject({ id: 'DMAB-LAPSE', indicator: 'warning', matchedByTextOnly: true });
  });
});

describe('R1c/R1d regimens', () => {
  it('Xgeva every 4 weeks, last 2025-05-20 → no card (scenario 13)', () => {
    const f = status([
      F.condition(F.icd('C79.51'), { onset: '2023-01-01' }),
      F.administration(F.XGEVA, '2025-04-22', { doseMg: 120 }),
      F.administration(F.XGEVA, '2025-05-20', { doseMg: 120 }),
    ]);
    expect(ids(f)).toEqual([]);
  });
  it('stopped oncology regimen → ONC-DMAB-STOP info only after 112 days', () => {
    expect(ids(status([F.administration(F.XGEVA, '2025-02-23')]))).toEqual([]);
    expect(status([F.administration(F.XGEVA, '2025-02-22')])[0]).toMatchObject({
      id: 'ONC-DMAB-STOP',
      indicator: 'info',
    });
  });
  it('unknown regimen: info DMAB-DATA regimen-unknown; ≥5-month interval → osteoporosis rules', () => {
    const IN = { system: F.RXNORM, code: '993449', display: 'denosumab' };
    expect(status([F.administration(IN, '2024-05-15')])[0]).toMatchObject({
      id: 'DMAB-DATA',
      facts: { reason: 'regimen-unknown' },
    });
    expect(ids(status([F.administration(IN, '2023-11-15'), F.administration(IN, '2024-05-15')]))).toEqual([
      'DMAB-LAPSE',
    ]);
    expect(ids(status([F.administration(IN, '2024-04-15'), F.administration(IN, '2024-05-15')]))).toEqual([
      'DMAB-DATA',
    ]);
  });
});
