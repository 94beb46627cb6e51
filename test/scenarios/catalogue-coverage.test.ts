import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { CATALOGUE_IDS } from '../../src/clinical/findings.js';
import * as F from '../clinical/support/fhir.js';
import { invoke, type CardView } from './support.js';

/** Every catalogue id of R16 fires over HTTP with its indicator (own scenarios beyond the section 3 sample). */
describe('card catalogue coverage over HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());
  const base = () => [F.patient(), F.osteoporosis()];
  const seen = new Map<string, string>();
  const record = (cards: CardView[]) => cards.forEach((c) => seen.set(c.code!, c.indicator));

  it('patient-view ids', async () => {
    const pv = (r: unknown[]) => invoke(app, 'patient-view', [...base(), ...(r as ReturnType<typeof base>)]);
    record(await pv([F.prolia('2024-11-15')]));
    record(await pv([F.prolia('2024-05-15')]));
    record(await pv([F.prolia('2022-05-15')]));
    record(
      await pv([
        F.prolia('2025-03-01'),
        F.statement(F.PROLIA, {
          status: 'stopped',
          effectiveDateTime: '2025-03-01',
          dateAsserted: '2025-06-10',
        }),
      ]),
    );
    record(await pv([F.prolia('2024-05-15'), F.administration(F.ZOLEDRONATE_5, '2024-11-20')]));
    record(
      await pv([
        F.statement(F.PROLIA, { status: 'stopped', period: { start: '2019-06-01', end: '2024-06-01' } }),
        F.statement(F.ALENDRONATE_70, { period: { start: '2024-12-01' } }),
      ]),
    );
    record(await pv([F.statement(F.PROLIA, { dateAsserted: '2025-06-01' })]));
    record(await pv([F.condition(F.icd('S32.010A'), { onset: '2024-10-15' })]));
    record(await pv([F.condition(F.icd('S32.010A'), { onset: '2023-10-15' })]));
    record(await pv([F.prolia('2024-06-01'), F.condition(F.icd('S32.010A'), { onset: '2025-04-20' })]));
    record(await pv([F.medicationRequest(F.PREDNISONE_5, { authoredOn: '2024-12-01', doseUnits: 1 })]));
    record(await pv([F.administration(F.XGEVA, '2024-10-01', { doseMg: 120 })]));
  });

  it('order ids', async () => {
    const os = (r: unknown[], d: unknown[]) =>
      invoke(app, 'order-select', [...base(), ...(r as ReturnType<typeof base>)], {
        drafts: d as ReturnType<typeof base>,
      });
    const rvfx = [F.prolia('2024-06-01'), F.condition(F.icd('S32.010A'), { onset: '2025-04-20' })];
    record(await os(rvfx, [F.serviceRequest({ system: F.CPT, code: '22514' }, 'kp')]));
    record(
      await os(
        [F.condition(F.icd('I63.9'), { onset: '2025-01-01' })],
        [F.draftMedication(F.ROMOSOZUMAB, 'r1')],
      ),
    );
    record(
      await os(
        [F.condition(F.icd('I21.4'), { onset: '2022-01-01' })],
        [F.draftMedication(F.ROMOSOZUMAB, 'r2')],
      ),
    );
    record(
      await os(
        Array.from({ length: 12 }, (_, i) =>
          F.administration(F.ROMOSOZUMAB, `2024-${String(i + 1).padStart(2, '0')}-05`),
        ),
        [F.draftMedication(F.ROMOSOZUMAB, 'r3')],
      ),
    );
    record(await os([F.prolia('2025-01-10')], [F.draftMedication(F.TERIPARATIDE, 't1')]));
    record(
      await os(
        [F.statement(F.TERIPARATIDE, { period: { start: '2023-01-01' } })],
        [F.draftMedication(F.TERIPARATIDE, 't2')],
      ),
    );
    record(
      await os(
        [F.observation('62238-1', 20, 'mL/min/{1.73_m2}', '2025-06-01')],
        [F.draftMedication(F.ZOLEDRONATE_5, 'z1')],
      ),
    );
    record(
      await os([F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10')], [F.draftMedication(F.PROLIA, 'd1')]),
    );
    record(
      await os(
        [F.observation('62238-1', 25, 'mL/min/{1.73_m2}', '2025-06-01')],
        [F.draftMedication(F.PROLIA, 'd2')],
      ),
    );
    record(
      await os([F.condition(F.icd('Z94.0'), { onset: '2018-01-01' })], [F.draftMedication(F.PROLIA, 'd3')]),
    );
    record(
      await os(
        [F.administration(F.XGEVA, '2025-05-30', { doseMg: 120 })],
        [F.draftMedication(F.PROLIA, 'd4', { doseMg: 60 })],
      ),
    );
    // The service's notice: more draft orders than MAX_DRAFT_ORDERS (200 by default).
    record(
      await invoke(app, 'order-sign', base(), {
        drafts: Array.from({ length: 201 }, (_, i) => F.draftMedication(F.ALENDRONATE_70, `bp${i}`)),
      }),
    );
  });

  it('all 25 ids fired with the catalogue indicator', () => {
    expect([...seen.keys()].sort()).toEqual([...CATALOGUE_IDS].sort());
    expect(Object.fromEntries(seen)).toMatchObject({
      'DMAB-OVERDUE': 'warning',
      'DMAB-LAPSE': 'critical',
      'DMAB-LONG-GAP': 'warning',
      'DMAB-PLANNED-STOP': 'warning',
      'DMAB-TRANSITION-MONITOR': 'info',
      'DMAB-ORALBP-AFTER-LONG': 'warning',
      'DMAB-DATA': 'info',
      'VFX-RECENT': 'warning',
      'VFX-IMMINENT': 'info',
      'RVFX-SUSPECTED': 'critical',
      'ORDER-AUGMENT-RVFX': 'critical',
      'ORDER-ROMO-CV': 'critical',
      'ORDER-ROMO-CV-OLD': 'warning',
      'ORDER-ROMO-12': 'warning',
      'ORDER-PTH-AFTER-DMAB': 'warning',
      'ORDER-PTH-24MO': 'warning',
      'ORDER-ZOL-RENAL': 'critical',
      'ORDER-DMAB-CA': 'critical',
      'ORDER-DMAB-CKD': 'warning',
      'ORDER-LABS': 'info',
      GIOP: 'info',
      'IMMUNOSUPP-DMAB': 'info',
      'ONC-DMAB-STOP': 'info',
      'ORDER-CHECK-INCOMPLETE': 'warning',
    });
  });
});
