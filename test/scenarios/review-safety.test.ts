import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import * as F from '../clinical/support/fhir.js';
import { base, byCode, call, codesOf, prolia, type FullCard } from './variants-helpers.js';

/**
 * Independent clinical review (pharmacist-informaticist pass), through the HTTP interface, NOW = 2025-06-15.
 * Invariant: a card never suggests giving a drug that the same record shows a contraindication to (R14):
 * low calcium (decision 7) → no denosumab and no zoledronic acid until corrected; CrCl/eGFR < 35 → no zoledronic
 * acid; eGFR < 30 → denosumab only with the CKD-MBD caveat.
 */

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const ZOL_RXCUI = '705824';
const DMAB_RXCUI = '993452';

function createdCodes(card: FullCard | undefined): string[] {
  return (card?.suggestions ?? []).flatMap((s) =>
    (s.actions ?? []).flatMap((a) => {
      const med = a.resource?.medicationCodeableConcept as { coding?: { code?: string }[] } | undefined;
      return a.type === 'create' && med?.coding?.[0]?.code ? [med.coding[0].code] : [];
    }),
  );
}

const lowCalcium = () => F.observation('17861-6', 7.9, 'mg/dL', '2025-06-10');
const otherLabs = (egfr: number) => [
  F.observation('2160-0', 1.9, 'mg/dL', '2025-06-01'),
  F.observation('62238-1', egfr, 'mL/min/{1.73_m2}', '2025-06-01'),
  F.observation('62292-8', 32, 'ng/mL', '2025-06-01'),
];
const normalCalcium = () => F.observation('17861-6', 9.4, 'mg/dL', '2025-06-01', { low: 8.6, high: 10.3 });

describe('suggestions never contradict a contraindication on file (R14)', () => {
  it('overdue denosumab with low calcium: neither denosumab nor zoledronic acid is suggested; calcium work-up is primary', async () => {
    const cards = await call(app, 'patient-view', [
      ...base(),
      prolia('2024-11-15'),
      lowCalcium(),
      ...otherLabs(70),
    ]);
    expect(codesOf(cards)).toEqual(['DMAB-OVERDUE:warning']);
    const card = byCode(cards, 'DMAB-OVERDUE')!;
    expect(createdCodes(card)).toEqual([]);
    const primary = card.suggestions!.find((s) => s.isRecommended)!;
    expect(primary.label).toMatch(/calcium is low/i);
    expect(card.detail).toMatch(/not suggested until hypocalcaemia is corrected/);
  });

  it('lapsed denosumab with eGFR 28: zoledronic acid is withheld (named in the notes); denosumab carries the CKD-MBD caveat', async () => {
    const cards = await call(app, 'patient-view', [
      ...base(),
      prolia('2024-05-15'),
      normalCalcium(),
      ...otherLabs(28),
    ]);
    expect(codesOf(cards)).toEqual(['DMAB-LAPSE:critical']);
    const card = byCode(cards, 'DMAB-LAPSE')!;
    expect(createdCodes(card)).toEqual([DMAB_RXCUI]);
    const dmab = card.suggestions!.find((s) => /denosumab/i.test(s.label))!;
    expect(dmab.isRecommended).toBe(true);
    expect(dmab.label).toMatch(/caution: eGFR 28 .* below 30: evaluate for CKD-MBD/);
    expect(card.detail).toMatch(/Zoledronic acid is not suggested .*eGFR 28/);
  });

  it('eGFR 33 (between 30 and 35): zoledronic acid withheld, denosumab offered without the CKD caveat', async () => {
    const cards = await call(app, 'patient-view', [
      ...base(),
      prolia('2024-11-15'),
      normalCalcium(),
      ...otherLabs(33),
    ]);
    const card = byCode(cards, 'DMAB-OVERDUE')!;
    expect(createdCodes(card)).toEqual([DMAB_RXCUI]);
    expect(card.suggestions!.every((s) => !/caution/.test(s.label))).toBe(true);
  });

  it('normal labs: both alternatives stay (control)', async () => {
    const cards = await call(app, 'patient-view', [...base(), prolia('2024-11-15'), ...F.normalLabs()]);
    expect(createdCodes(byCode(cards, 'DMAB-OVERDUE'))).toEqual([DMAB_RXCUI, ZOL_RXCUI]);
  });

  it('rebound fractures with low calcium: no antiresorptive suggested until calcium is corrected, imaging and referral stay', async () => {
    const cards = await call(app, 'patient-view', [
      ...base(),
      prolia('2024-06-01'),
      F.condition(F.icd('M80.08XA'), { onset: '2025-04-20' }),
      F.condition(F.icd('S32.030A'), { onset: '2025-05-10' }),
      lowCalcium(),
      ...otherLabs(70),
    ]);
    expect(codesOf(cards)).toEqual(['RVFX-SUSPECTED:critical']);
    const card = byCode(cards, 'RVFX-SUSPECTED')!;
    expect(createdCodes(card)).toEqual([]);
    const primary = card.suggestions!.find((s) => s.isRecommended)!;
    expect(primary.label).toMatch(/calcium is low/i);
    const resources = primary.actions!.map((a) => JSON.stringify(a.resource));
    expect(resources.some((r) => /Spine imaging/.test(r))).toBe(true);
  });

  it('order-select zoledronic acid with eGFR 28: ORDER-ZOL-RENAL suggests deleting and denosumab only with the CKD caveat', async () => {
    const zol = F.draftMedication(F.ZOLEDRONATE_5, 'zol1', { doseMg: 5 });
    const cards = await call(app, 'order-select', [...base(), normalCalcium(), ...otherLabs(28)], {
      drafts: [zol],
    });
    const card = byCode(cards, 'ORDER-ZOL-RENAL')!;
    expect(card.indicator).toBe('critical');
    expect(createdCodes(card)).toEqual([DMAB_RXCUI]);
    expect(card.suggestions!.find((s) => /denosumab/i.test(s.label))!.label).toMatch(/CKD-MBD/);
  });

  it('order-select zoledronic acid with eGFR 28 and low calcium: the denosumab alternative is withheld too', async () => {
    const zol = F.draftMedication(F.ZOLEDRONATE_5, 'zol1', { doseMg: 5 });
    const cards = await call(app, 'order-select', [...base(), lowCalcium(), ...otherLabs(28)], {
      drafts: [zol],
    });
    const card = byCode(cards, 'ORDER-ZOL-RENAL')!;
    expect(createdCodes(card)).toEqual([]);
    expect(
      card.suggestions!.some((s) =>
        s.actions!.some((a) => a.type === 'delete' && a.resourceId === 'MedicationRequest/zol1'),
      ),
    ).toBe(true);
  });

  it('romosozumab draft after a recent MI with eGFR 28: the zoledronic-acid alternative is withheld', async () => {
    const romo = F.draftMedication(F.ROMOSOZUMAB, 'romo1');
    const cards = await call(
      app,
      'order-select',
      [...base(), F.condition(F.icd('I21.4'), { onset: '2024-12-15' }), normalCalcium(), ...otherLabs(28)],
      { drafts: [romo] },
    );
    const card = byCode(cards, 'ORDER-ROMO-CV')!;
    expect(card.indicator).toBe('critical');
    expect(createdCodes(card)).not.toContain(ZOL_RXCUI);
  });

  it('teriparatide after denosumab with low calcium: no card suggests denosumab or zoledronic acid', async () => {
    const pth = F.draftMedication(F.TERIPARATIDE, 'pth1');
    const cards = await call(
      app,
      'order-select',
      [...base(), prolia('2025-01-10'), lowCalcium(), ...otherLabs(70)],
      { drafts: [pth] },
    );
    expect(byCode(cards, 'ORDER-PTH-AFTER-DMAB')?.indicator).toBe('warning');
    for (const card of cards) expect(createdCodes(card), card.source.topic?.code).toEqual([]);
  });
});

describe('missing or doubtful data never reads as reassurance (R1d, R2)', () => {
  const ingredientOnly = (date: string) =>
    F.administration({ system: F.RXNORM, code: '993449', display: 'denosumab' }, date);

  it('unknown regimen, single dose 13 months ago: info card that states the dose date and when a 6-monthly dose was due', async () => {
    const cards = await call(app, 'patient-view', [...base(), ingredientOnly('2024-05-15')]);
    expect(codesOf(cards)).toEqual(['DMAB-DATA:info']);
    const card = byCode(cards, 'DMAB-DATA')!;
    expect(card.summary).toMatch(/regimen unknown.*next dose due 2024-11-15/);
    expect(card.detail).toMatch(/next dose was due on \*\*2024-11-15\*\*/);
    expect(card.detail).toMatch(/2024-05-15/);
  });

  it('order only: the summary states the order date', async () => {
    const order = F.medicationRequest(F.PROLIA, {
      id: 'mr1',
      status: 'active',
      intent: 'order',
      authoredOn: '2025-01-10',
    });
    const cards = await call(app, 'patient-view', [...base(), order]);
    expect(codesOf(cards)).toEqual(['DMAB-DATA:info']);
    expect(byCode(cards, 'DMAB-DATA')!.summary).toMatch(/ordered 2025-01-10, no administration recorded/);
  });

  it('statement without dates (dateAsserted only): the summary states the asserted date', async () => {
    const st = F.statement(F.PROLIA, { status: 'active', dateAsserted: '2025-06-01' });
    const cards = await call(app, 'patient-view', [...base(), st]);
    expect(codesOf(cards)).toEqual(['DMAB-DATA:info']);
    expect(byCode(cards, 'DMAB-DATA')!.summary).toMatch(/documented 2025-06-01 without an injection date/);
  });
});
