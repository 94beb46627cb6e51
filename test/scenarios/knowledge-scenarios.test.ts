import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import * as F from '../clinical/support/fhir.js';
import { codes, invoke } from './support.js';

/** knowledge.md section 3 sample scenarios through the HTTP interface (NOW = 2025-06-15T12:00:00Z). */
describe('knowledge.md section 3 scenarios over HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  const base = () => [F.patient(), F.osteoporosis()];
  const pv = (resources: unknown[]) =>
    invoke(app, 'patient-view', [...base(), ...(resources as ReturnType<typeof base>)]);
  const os = (resources: unknown[], drafts: unknown[]) =>
    invoke(app, 'order-select', [...base(), ...(resources as ReturnType<typeof base>)], {
      drafts: drafts as ReturnType<typeof base>,
    });
  const rvfxPatient = () => [
    F.prolia('2024-06-01'),
    F.condition(F.icd('M80.08XA'), { onset: '2025-04-20', bodySite: 'L1' }),
    F.condition(F.icd('S32.030A'), { onset: '2025-05-10' }),
  ];

  it('#1 last dose 5 months ago → no card', async () =>
    expect(codes(await pv([F.prolia('2025-01-15')]))).toEqual([]));
  it('#2 due today → no card', async () => expect(codes(await pv([F.prolia('2024-12-15')]))).toEqual([]));
  it('#4 overdue by 1 day → DMAB-OVERDUE warning', async () => {
    const cards = await pv([F.prolia('2024-11-17')]);
    expect(codes(cards)).toEqual(['DMAB-OVERDUE:warning']);
    expect(cards[0]!.summary).toContain('2024-11-17');
  });
  it('#5 7 months → DMAB-OVERDUE warning', async () =>
    expect(codes(await pv([F.prolia('2024-11-15')]))).toEqual(['DMAB-OVERDUE:warning']));
  it('#7 10 months → DMAB-LAPSE critical', async () =>
    expect(codes(await pv([F.prolia('2024-08-15')]))).toEqual(['DMAB-LAPSE:critical']));
  it('#8 13 months → DMAB-LAPSE critical with the date', async () => {
    const cards = await pv([F.prolia('2024-05-15')]);
    expect(codes(cards)).toEqual(['DMAB-LAPSE:critical']);
    expect(cards[0]!.summary).toContain('2024-05-15');
  });
  it('#9 zoledronate after t_last → DMAB-TRANSITION-MONITOR info, no lapse', async () =>
    expect(
      codes(await pv([F.prolia('2024-05-15'), F.administration(F.ZOLEDRONATE_5, '2024-11-20')])),
    ).toEqual(['DMAB-TRANSITION-MONITOR:info']));
  it('#11 alendronate after 5 years of denosumab → DMAB-ORALBP-AFTER-LONG warning', async () =>
    expect(
      codes(
        await pv([
          F.statement(F.PROLIA, { status: 'stopped', period: { start: '2019-06-01', end: '2024-06-01' } }),
          F.statement(F.ALENDRONATE_70, { status: 'active', period: { start: '2024-12-01' } }),
        ]),
      ),
    ).toEqual(['DMAB-ORALBP-AFTER-LONG:warning']));
  it('#13 Xgeva every 4 weeks → no card', async () =>
    expect(
      codes(
        await pv([
          F.condition(F.icd('C79.51'), { onset: '2023-01-01' }),
          F.administration(F.XGEVA, '2025-04-22', { doseMg: 120 }),
          F.administration(F.XGEVA, '2025-05-20', { doseMg: 120 }),
        ]),
      ),
    ).toEqual([]));
  it('#15 Jubbonti biosimilar → DMAB-LAPSE critical', async () =>
    expect(codes(await pv([F.administration(F.JUBBONTI, '2024-05-15')]))).toEqual(['DMAB-LAPSE:critical']));
  it('#18 entered-in-error dose ignored → DMAB-LAPSE critical', async () =>
    expect(
      codes(await pv([F.prolia('2025-03-01', { status: 'entered-in-error' }), F.prolia('2024-05-15')])),
    ).toEqual(['DMAB-LAPSE:critical']));
  it('#21 statement without date → DMAB-DATA info', async () =>
    expect(
      codes(await pv([F.statement(F.PROLIA, { status: 'active', dateAsserted: '2025-06-01' })])),
    ).toEqual(['DMAB-DATA:info']));
  it('#25 S32.010A 8 months ago → VFX-RECENT warning', async () =>
    expect(codes(await pv([F.condition(F.icd('S32.010A'), { onset: '2024-10-15' })]))).toEqual([
      'VFX-RECENT:warning',
    ]));
  it('#27 SNOMED 42942008 18 months ago → VFX-IMMINENT info', async () =>
    expect(codes(await pv([F.condition(F.snomed('42942008'), { onset: '2023-12-15' })]))).toEqual([
      'VFX-IMMINENT:info',
    ]));
  it('#29 sequela recorded recently → no recent-fracture card', async () =>
    expect(codes(await pv([F.condition(F.icd('S22.080S'), { recordedDate: '2025-05-01' })]))).toEqual([]));
  it('#31 refuted fracture → no card', async () =>
    expect(
      codes(await pv([F.condition(F.icd('M80.08XA'), { onset: '2025-03-01', verification: 'refuted' })])),
    ).toEqual([]));
  it('#35 rebound pattern → one RVFX-SUSPECTED critical card', async () =>
    expect(codes(await pv(rvfxPatient()))).toEqual(['RVFX-SUSPECTED:critical']));
  it('#38 vertebroplasty draft in #35 → ORDER-AUGMENT-RVFX critical', async () => {
    const cards = await os(rvfxPatient(), [
      F.serviceRequest(
        { system: F.CPT, code: '22511', display: 'Percutaneous vertebroplasty, lumbosacral' },
        'vp1',
      ),
    ]);
    expect(codes(cards)).toContain('ORDER-AUGMENT-RVFX:critical');
    expect(codes(cards)).toContain('RVFX-SUSPECTED:critical');
  });
  it('#41 romosozumab draft 6 months after NSTEMI → ORDER-ROMO-CV critical', async () =>
    expect(
      codes(
        await os(
          [F.condition(F.icd('I21.4'), { onset: '2024-12-15' })],
          [F.draftMedication(F.ROMOSOZUMAB, 'romo')],
        ),
      ),
    ).toEqual(['ORDER-ROMO-CV:critical']));
  it('#44 romosozumab draft with TIA only → no critical card', async () => {
    const cards = await os(
      [F.condition(F.icd('G45.9'), { onset: '2025-03-01' })],
      [F.draftMedication(F.ROMOSOZUMAB, 'romo')],
    );
    expect(cards.some((c) => c.indicator === 'critical')).toBe(false);
  });
  it('#47 teriparatide draft 5 months after Prolia → ORDER-PTH-AFTER-DMAB warning', async () =>
    expect(codes(await os([F.prolia('2025-01-10')], [F.draftMedication(F.TERIPARATIDE, 'pth')]))).toEqual([
      'ORDER-PTH-AFTER-DMAB:warning',
    ]));
  it('#50 zoledronate draft with eGFR 28 → ORDER-ZOL-RENAL critical', async () =>
    expect(
      codes(
        await os(
          [F.observation('62238-1', 28, 'mL/min/{1.73_m2}', '2025-06-01')],
          [F.draftMedication(F.ZOLEDRONATE_5, 'zol', { doseMg: 5 })],
        ),
      ),
    ).toContain('ORDER-ZOL-RENAL:critical'));
  it('#52 denosumab draft with calcium 7.9 mg/dL → ORDER-DMAB-CA critical', async () =>
    expect(
      codes(
        await os(
          [F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10')],
          [F.draftMedication(F.PROLIA, 'dmab', { doseMg: 60 })],
        ),
      ),
    ).toContain('ORDER-DMAB-CA:critical'));
  it('#55 prednisone 5 mg daily since 2024-12-01 → GIOP info', async () =>
    expect(
      codes(await pv([F.medicationRequest(F.PREDNISONE_5, { authoredOn: '2024-12-01', doseUnits: 1 })])),
    ).toEqual(['GIOP:info']));
  it('#58 transplant recipient, denosumab draft → IMMUNOSUPP-DMAB info', async () => {
    const cards = await os(
      [
        F.condition(F.icd('Z94.0', 'Kidney transplant status'), { onset: '2018-01-01' }),
        F.medicationRequest({ text: 'tacrolimus 1 mg capsule' }),
        F.medicationRequest({ text: 'mycophenolate mofetil 500 mg tablet' }),
        F.medicationRequest(F.PREDNISONE_5, { authoredOn: '2025-05-01', doseUnits: 1 }),
        ...F.normalLabs(),
      ],
      [F.draftMedication(F.PROLIA, 'dmab', { doseMg: 60 })],
    );
    expect(codes(cards)).toEqual(['IMMUNOSUPP-DMAB:info']);
  });
  it('#61 Prolia stopped, last dose 3.5 months ago → DMAB-PLANNED-STOP warning (patient-view and order-sign)', async () => {
    const resources = [
      F.prolia('2025-03-01'),
      F.statement(F.PROLIA, {
        status: 'stopped',
        effectiveDateTime: '2025-03-01',
        dateAsserted: '2025-06-10',
      }),
    ];
    expect(codes(await pv(resources))).toEqual(['DMAB-PLANNED-STOP:warning']);
    const sign = await invoke(app, 'order-sign', [...base(), ...resources], {
      drafts: [F.draftMedication({ text: 'amoxicillin 500 mg' }, 'a1')],
    });
    expect(codes(sign)).toEqual(['DMAB-PLANNED-STOP:warning']);
  });
});
