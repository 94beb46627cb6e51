import { describe, expect, it } from 'vitest';
import * as F from './support/fhir.js';
import { byId, findingsFor, ids } from './support/evaluate.js';

const base = () => [F.patient(), F.osteoporosis()];
const order = (resources: unknown[], drafts: unknown[], opts: Parameters<typeof findingsFor>[1] = {}) =>
  findingsFor([...base(), ...(resources as ReturnType<typeof base>)], {
    hook: 'order-select',
    drafts: drafts as ReturnType<typeof base>,
    ...opts,
  });
const orderIds = (f: ReturnType<typeof findingsFor>) =>
  ids(f.filter((x) => x.id.startsWith('ORDER-') || x.id === 'IMMUNOSUPP-DMAB'));

const ZOL_DRAFT = () => F.draftMedication(F.ZOLEDRONATE_5, 'zol', { doseMg: 5 });
const DMAB_DRAFT = () => F.draftMedication(F.PROLIA, 'dmab', { doseMg: 60 });
const ROMO_DRAFT = () => F.draftMedication(F.ROMOSOZUMAB, 'romo');
const PTH_DRAFT = () => F.draftMedication(F.TERIPARATIDE, 'pth');

describe('ORDER-AUGMENT-RVFX', () => {
  const rvfx = [
    F.prolia('2024-06-01'),
    F.condition(F.icd('M80.08XA'), { onset: '2025-04-20' }),
    F.condition(F.icd('S32.030A'), { onset: '2025-05-10' }),
  ];
  it('vertebroplasty CPT 22511 in suspected RVFx → critical with the draft reference (scenario 38)', () => {
    const f = order(rvfx, [F.serviceRequest({ system: F.CPT, code: '22511' }, 'sr1')]);
    expect(byId(f, 'ORDER-AUGMENT-RVFX')).toMatchObject({
      indicator: 'critical',
      draftOrderRef: 'ServiceRequest/sr1',
    });
    expect(ids(f)).toContain('RVFX-SUSPECTED');
  });
  it('kyphoplasty by text is recognised; ordinary osteoporotic VFx gives no augmentation card', () => {
    expect(orderIds(order(rvfx, [F.serviceRequest({ text: 'Balloon kyphoplasty L3' }, 'sr2')]))).toEqual([
      'ORDER-AUGMENT-RVFX',
    ]);
    expect(
      orderIds(
        order(
          [F.condition(F.icd('M80.08XA'), { onset: '2025-04-20' })],
          [F.serviceRequest({ system: F.CPT, code: '22511' }, 'sr3')],
        ),
      ),
    ).toEqual([]);
  });
  it('order-select only looks at selected drafts; order-sign at all drafts', () => {
    const drafts = [F.serviceRequest({ system: F.CPT, code: '22511' }, 'sr4'), DMAB_DRAFT()];
    expect(orderIds(order(rvfx, drafts, { selections: ['MedicationRequest/dmab'] }))).not.toContain(
      'ORDER-AUGMENT-RVFX',
    );
    expect(orderIds(findingsFor([...base(), ...rvfx], { hook: 'order-sign', drafts }))).toContain(
      'ORDER-AUGMENT-RVFX',
    );
  });
});

describe('romosozumab (R9)', () => {
  it('NSTEMI 6 months ago → ORDER-ROMO-CV critical (scenario 41)', () => {
    const f = byId(
      order([F.condition(F.icd('I21.4'), { onset: '2024-12-15' })], [ROMO_DRAFT()]),
      'ORDER-ROMO-CV',
    )!;
    expect(f).toMatchObject({
      indicator: 'critical',
      draftOrderRef: 'MedicationRequest/romo',
      facts: { eventType: 'myocardial infarction', eventDate: '2024-12-15', monthsSinceEvent: 6 },
    });
  });
  it('a romosozumab draft coded only by its NDC (Evenity 55513-0880-02) is recognised: MI → critical', () => {
    const draft = F.draftMedication(F.ROMOSOZUMAB_NDC, 'romo-ndc');
    expect(
      byId(order([F.condition(F.icd('I21.4'), { onset: '2024-12-15' })], [draft]), 'ORDER-ROMO-CV'),
    ).toMatchObject({ indicator: 'critical', draftOrderRef: 'MedicationRequest/romo-ndc' });
  });
  it('365 days → critical; 366 days → ORDER-ROMO-CV-OLD warning', () => {
    expect(orderIds(order([F.condition(F.icd('I63.9'), { onset: '2024-06-15' })], [ROMO_DRAFT()]))).toEqual([
      'ORDER-ROMO-CV',
    ]);
    const f = order([F.condition(F.icd('I63.9'), { onset: '2024-06-14' })], [ROMO_DRAFT()]);
    expect(byId(f, 'ORDER-ROMO-CV-OLD')?.indicator).toBe('warning');
    expect(orderIds(f)).toEqual(['ORDER-ROMO-CV-OLD']);
  });
  it('TIA is never the critical contraindication (scenario 44)', () => {
    const f = order([F.condition(F.icd('G45.9'), { onset: '2025-03-01' })], [ROMO_DRAFT()]);
    expect(f.some((x) => x.indicator === 'critical')).toBe(false);
  });
  it('history-type MI concept uses onset only, never recordedDate', () => {
    const f = order([F.condition(F.snomed('32574007'), { recordedDate: '2025-05-01' })], [ROMO_DRAFT()]);
    expect(orderIds(f)).toEqual(['ORDER-ROMO-CV-OLD']);
  });
  it('12 prior doses → ORDER-ROMO-12; 11 doses, or one dose 12 months ago, → none (the label counts doses)', () => {
    const doses = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        F.administration(
          F.ROMOSOZUMAB,
          `2024-${String(7 + (i % 6)).padStart(2, '0')}-${String(1 + Math.floor(i / 6)).padStart(2, '0')}`,
        ),
      );
    expect(byId(order(doses(12), [ROMO_DRAFT()]), 'ORDER-ROMO-12')?.facts).toMatchObject({
      priorDoseCount: 12,
    });
    expect(orderIds(order(doses(11), [ROMO_DRAFT()]))).toEqual([]);
    // Before the governance review a single dose 12 months ago fired the card; the US label limits doses, not months.
    expect(orderIds(order([F.administration(F.ROMOSOZUMAB, '2024-06-15')], [ROMO_DRAFT()]))).toEqual([]);
    expect(orderIds(order([F.administration(F.ROMOSOZUMAB, '2024-06-16')], [ROMO_DRAFT()]))).toEqual([]);
  });
});

describe('teriparatide / abaloparatide (R10)', () => {
  it('last Prolia 5 months ago, no antiresorptive planned → ORDER-PTH-AFTER-DMAB warning (scenario 47)', () => {
    const f = byId(order([F.prolia('2025-01-10')], [PTH_DRAFT()]), 'ORDER-PTH-AFTER-DMAB')!;
    expect(f).toMatchObject({
      indicator: 'warning',
      facts: { withRebound: false, lastDoseDate: '2025-01-10', monthsSinceLastDose: 5 },
    });
  });
  it('with suspected rebound fractures → critical (decision 13)', () => {
    const f = order(
      [F.prolia('2024-06-01'), F.condition(F.icd('S32.010A'), { onset: '2025-04-20' })],
      [F.draftMedication({ text: 'abaloparatide 80 mcg' }, 'aba')],
    );
    expect(byId(f, 'ORDER-PTH-AFTER-DMAB')).toMatchObject({
      indicator: 'critical',
      facts: { withRebound: true },
    });
  });
  it('24 months after the last dose → warning; one day more → none; zoledronate ordered together → none', () => {
    expect(orderIds(order([F.prolia('2023-06-15')], [PTH_DRAFT()]))).toEqual(['ORDER-PTH-AFTER-DMAB']);
    expect(orderIds(order([F.prolia('2023-06-14')], [PTH_DRAFT()]))).toEqual([]);
    expect(
      orderIds(order([F.prolia('2025-01-10'), ...F.normalLabs()], [PTH_DRAFT(), ZOL_DRAFT()])),
    ).not.toContain('ORDER-PTH-AFTER-DMAB');
  });
  it('cumulative exposure ≥ 24 months → ORDER-PTH-24MO; one day short → none', () => {
    const course = (start: string) => F.statement(F.TERIPARATIDE, { status: 'active', period: { start } });
    expect(byId(order([course('2023-06-15')], [PTH_DRAFT()]), 'ORDER-PTH-24MO')?.facts).toMatchObject({
      firstDoseDate: '2023-06-15',
    });
    expect(orderIds(order([course('2023-06-16')], [PTH_DRAFT()]))).toEqual([]);
  });
});

describe('zoledronic acid (R14)', () => {
  it('eGFR 28 → ORDER-ZOL-RENAL critical (scenario 50)', () => {
    const f = byId(
      order([F.observation('62238-1', 28, 'mL/min/{1.73_m2}', '2025-06-01')], [ZOL_DRAFT()]),
      'ORDER-ZOL-RENAL',
    )!;
    expect(f).toMatchObject({
      indicator: 'critical',
      draftOrderRef: 'MedicationRequest/zol',
      facts: { measure: 'eGFR', value: 28, resultDate: '2025-06-01' },
    });
  });
  it('eGFR 35 is not below the limit; 34.9 is', () => {
    expect(
      orderIds(order([F.observation('62238-1', 35, 'mL/min/{1.73_m2}', '2025-06-01')], [ZOL_DRAFT()])),
    ).not.toContain('ORDER-ZOL-RENAL');
    expect(
      orderIds(order([F.observation('62238-1', 34.9, 'mL/min/{1.73_m2}', '2025-06-01')], [ZOL_DRAFT()])),
    ).toContain('ORDER-ZOL-RENAL');
  });
  it('CrCl by Cockcroft–Gault when weight, age, sex and creatinine are known', () => {
    // woman 72 y, 50 kg, creatinine 1.2 mg/dL: (140-72)*50/(72*1.2)*0.85 = 33.4 mL/min
    const f = order(
      [
        F.observation('29463-7', 50, 'kg', '2025-06-01'),
        F.observation('2160-0', 1.2, 'mg/dL', '2025-06-01'),
        F.observation('62238-1', 45, 'mL/min/{1.73_m2}', '2025-06-01'),
      ],
      [ZOL_DRAFT()],
    );
    expect(byId(f, 'ORDER-ZOL-RENAL')?.facts).toMatchObject({ measure: 'CrCl', value: 33.4, unit: 'mL/min' });
    // 60 kg → 40.1 mL/min: no renal card
    const ok = order(
      [
        F.observation('29463-7', 60, 'kg', '2025-06-01'),
        F.observation('2160-0', 1.2, 'mg/dL', '2025-06-01'),
        F.observation('62238-1', 45, 'mL/min/{1.73_m2}', '2025-06-01'),
      ],
      [ZOL_DRAFT()],
    );
    expect(orderIds(ok)).not.toContain('ORDER-ZOL-RENAL');
  });
  it('low calcium alone → ORDER-ZOL-RENAL (measure calcium)', () => {
    expect(
      byId(order([F.observation('17861-6', 8.0, 'mg/dL', '2025-06-10')], [ZOL_DRAFT()]), 'ORDER-ZOL-RENAL')
        ?.facts,
    ).toMatchObject({ measure: 'calcium' });
  });
});

describe('denosumab orders (R12, R14, decision 7)', () => {
  it('total calcium 7.9 mg/dL → ORDER-DMAB-CA critical (scenario 52)', () => {
    const f = byId(
      order([F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10')], [DMAB_DRAFT()]),
      'ORDER-DMAB-CA',
    )!;
    expect(f).toMatchObject({ indicator: 'critical', facts: { calcium: 7.9, resultDate: '2025-06-10' } });
  });
  it('reference range low wins over the default; interpretation L used when no range', () => {
    expect(
      orderIds(order([F.observation('17861-6', 8.7, 'mg/dL', '2025-06-10', { low: 8.8 })], [DMAB_DRAFT()])),
    ).toContain('ORDER-DMAB-CA');
    expect(
      orderIds(order([F.observation('17861-6', 8.4, 'mg/dL', '2025-06-10', { low: 8.2 })], [DMAB_DRAFT()])),
    ).not.toContain('ORDER-DMAB-CA');
    expect(
      orderIds(
        order(
          [F.observation('17864-0', 1.0, 'mmol/L', '2025-06-10', { interpretation: 'L' })],
          [DMAB_DRAFT()],
        ),
      ),
    ).toContain('ORDER-DMAB-CA');
    expect(
      orderIds(order([F.observation('17861-6', 2.11, 'mmol/L', '2025-06-10')], [DMAB_DRAFT()])),
    ).toContain('ORDER-DMAB-CA');
    expect(
      orderIds(order([F.observation('17861-6', 8.5, 'mg/dL', '2025-06-10')], [DMAB_DRAFT()])),
    ).not.toContain('ORDER-DMAB-CA');
  });
  it('calcium 30 days old is used; 31 days old is not', () => {
    expect(orderIds(order([F.observation('17861-6', 7.9, 'mg/dL', '2025-05-16')], [DMAB_DRAFT()]))).toContain(
      'ORDER-DMAB-CA',
    );
    expect(
      orderIds(order([F.observation('17861-6', 7.9, 'mg/dL', '2025-05-15')], [DMAB_DRAFT()])),
    ).not.toContain('ORDER-DMAB-CA');
  });
  it('eGFR 29 → ORDER-DMAB-CKD warning; 30 → none', () => {
    expect(
      byId(
        order([F.observation('62238-1', 29, 'mL/min/{1.73_m2}', '2025-06-01')], [DMAB_DRAFT()]),
        'ORDER-DMAB-CKD',
      )?.indicator,
    ).toBe('warning');
    expect(
      orderIds(order([F.observation('62238-1', 30, 'mL/min/{1.73_m2}', '2025-06-01')], [DMAB_DRAFT()])),
    ).not.toContain('ORDER-DMAB-CKD');
  });
  it('ORDER-LABS when Ca, creatinine/eGFR or 25-OH D is missing within 6 months', () => {
    const f = byId(order([], [DMAB_DRAFT()]), 'ORDER-LABS')!;
    expect(f).toMatchObject({
      indicator: 'info',
      facts: { missingLabs: 'calcium, creatinine/eGFR, 25-OH vitamin D', windowMonths: 6 },
    });
    expect(orderIds(order(F.normalLabs('2024-12-15'), [DMAB_DRAFT()]))).not.toContain('ORDER-LABS');
    expect(byId(order(F.normalLabs('2024-12-14'), [DMAB_DRAFT()]), 'ORDER-LABS')).toBeDefined();
  });
  it('transplant recipient on tacrolimus + mycophenolate + prednisone → IMMUNOSUPP-DMAB info (scenario 58)', () => {
    const f = order(
      [
        F.condition(F.icd('Z94.0'), { onset: '2018-01-01' }),
        F.medicationRequest({ text: 'tacrolimus 1 mg capsule' }),
        F.medicationRequest({ text: 'mycophenolate mofetil 500 mg' }),
        F.medicationRequest(F.PREDNISONE_5, { doseUnits: 1 }),
      ],
      [DMAB_DRAFT()],
    );
    expect(byId(f, 'IMMUNOSUPP-DMAB')).toMatchObject({ indicator: 'info', facts: { transplant: 'Z94.0' } });
    expect(byId(f, 'IMMUNOSUPP-DMAB')!.facts).toHaveProperty('immunosuppressants');
  });
  it('one immunosuppressant and no transplant → no card; two → card', () => {
    expect(
      orderIds(order([F.medicationRequest({ text: 'tacrolimus 1 mg' }), ...F.normalLabs()], [DMAB_DRAFT()])),
    ).toEqual([]);
    expect(
      orderIds(
        order(
          [
            F.medicationRequest({ text: 'tacrolimus 1 mg' }),
            F.medicationRequest({ text: 'azathioprine 50 mg' }),
            ...F.normalLabs(),
          ],
          [DMAB_DRAFT()],
        ),
      ),
    ).toEqual(['IMMUNOSUPP-DMAB']);
  });
});

describe('order hooks: status cards and robustness', () => {
  it('status cards join order cards; policy osteoporosis-orders hides them for unrelated orders', () => {
    const other = F.draftMedication({ text: 'amoxicillin 500 mg' }, 'amox');
    expect(ids(order([F.prolia('2024-05-15')], [other]))).toEqual(['DMAB-LAPSE']);
    expect(ids(order([F.prolia('2024-05-15')], [other], { policy: 'osteoporosis-orders' }))).toEqual([]);
    expect(
      ids(
        order([F.prolia('2024-05-15'), ...F.normalLabs()], [DMAB_DRAFT()], { policy: 'osteoporosis-orders' }),
      ),
      // Decision 16: the denosumab draft is the planned follow-on therapy → transition card (info).
    ).toEqual(['DMAB-TRANSITION-MONITOR']);
  });
  it('a denosumab draft being stopped at order-sign → DMAB-PLANNED-STOP', () => {
    const f = findingsFor([...base(), F.prolia('2025-03-01')], {
      hook: 'order-sign',
      drafts: [F.draftMedication(F.PROLIA, 'stop', { status: 'stopped' })],
    });
    expect(byId(f, 'DMAB-PLANNED-STOP')?.facts).toMatchObject({
      stopDate: '2025-06-15',
      followOnDueDate: '2025-09-01',
    });
  });
  it('drafts with no medication, unknown types, DSTU2 MedicationOrder and non-strict shapes do not crash', () => {
    const drafts = [
      { resourceType: 'MedicationRequest', id: 'empty', status: 'draft' },
      { resourceType: 'NutritionOrder', id: 'n1' },
      {
        resourceType: 'MedicationOrder',
        id: 'dstu2',
        medicationCodeableConcept: { text: 'zoledronic acid 5 mg IV' },
      },
      {
        resourceType: 'ServiceRequest',
        id: 'ns',
        code: { coding: { system: F.CPT, code: '22513' } },
        category: { text: 'x' },
        reasonCode: { text: 'y' },
      },
      { resourceType: 'ProcedureRequest', id: 'stu3', code: 'vertebroplasty' },
    ];
    const f = order([F.observation('62238-1', 20, 'mL/min/{1.73_m2}', '2025-06-01')], drafts);
    expect(byId(f, 'ORDER-ZOL-RENAL')?.draftOrderRef).toBe('MedicationOrder/dstu2');
  });
});
