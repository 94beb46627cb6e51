import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Card, FhirResource, HookName } from '../../src/protocol/types.js';
import { ConfigError } from '../../src/config/index.js';
import { createEngine } from '../../src/service/engine.js';
import { loadProjectKnowledge } from '../../src/service/knowledge.js';
import { selectDraftOrders, type ResponseBounded } from '../../src/service/response-bounds.js';
import * as F from '../clinical/support/fhir.js';
import { hookRequest, SERVICE } from '../scenarios/support.js';
import { buildTestApp, testConfig, TEST_NOW } from '../support/build-app.js';
import { expectValidCdsResponse } from '../support/response-check.js';

/**
 * Issue 11 finding 7: 2,000 draft orders gave 1,000 cards and a 4.7 MB response. Now MAX_DRAFT_ORDERS drafts are
 * checked (the selected ones first) and MAX_CARDS cards returned (the most severe first), and the
 * ORDER-CHECK-INCOMPLETE card tells the clinician what was left out.
 */

const code = (card: Card) => card.source.topic?.code;
const notice = (cards: Card[]) => cards.find((c) => code(c) === 'ORDER-CHECK-INCOMPLETE');

/** A recent MI makes every romosozumab draft critical (ORDER-ROMO-CV); a Prolia draft without labs is ORDER-LABS. */
const chart = () => [F.patient(), F.osteoporosis(), F.condition(F.icd('I21.4'), { onset: '2025-03-01' })];
const prolia = (i: number) => F.draftMedication(F.PROLIA, `dmab-${i}`);
const romosozumab = (i: number) => F.draftMedication(F.ROMOSOZUMAB, `romo-${i}`);

async function call(app: FastifyInstance, hook: HookName, drafts: FhirResource[], selections?: string[]) {
  const res = await app.inject({
    method: 'POST',
    url: `/cds-services/${SERVICE[hook]}`,
    payload: hookRequest(hook, chart(), { drafts, ...(selections ? { selections } : {}) }),
  });
  return { res, cards: expectValidCdsResponse(res).cards };
}

describe('response bounds over HTTP (defaults: MAX_DRAFT_ORDERS 200, MAX_CARDS 25)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('2,000 draft orders on order-select: a bounded response with the selected (last) order checked', async () => {
    const drafts = [...Array.from({ length: 1999 }, (_, i) => prolia(i)), romosozumab(1999)];
    const { res, cards } = await call(app, 'order-select', drafts, ['MedicationRequest/romo-1999']);
    expect(cards.length).toBeLessThanOrEqual(25);
    expect(res.body.length).toBeLessThan(250_000);
    // The selected draft is the last of 2,000 and still checked: its critical card is there, first.
    expect(code(cards[0]!)).toBe('ORDER-ROMO-CV');
    const incomplete = notice(cards)!;
    expect(incomplete.indicator).toBe('warning');
    expect(incomplete.summary).toBe(
      'Check the other 1800 draft orders yourself: only 200 of 2000 were checked',
    );
    expect(incomplete.detail).toContain('**1800 orders were not checked**');
  });

  it('2,000 draft orders on order-sign: 25 cards, every critical kept, the notice names both cuts', async () => {
    // 200 drafts are checked (the first 200): 190 Prolia drafts (ORDER-LABS, info) and 10 romosozumab (critical).
    const drafts = Array.from({ length: 2000 }, (_, i) => (i >= 150 && i < 160 ? romosozumab(i) : prolia(i)));
    const { cards } = await call(app, 'order-sign', drafts);
    expect(cards).toHaveLength(25);
    expect(cards.slice(0, 10).map(code)).toEqual(Array(10).fill('ORDER-ROMO-CV'));
    expect(cards.filter((c) => c.indicator === 'critical')).toHaveLength(10);
    expect(code(cards[10]!)).toBe('ORDER-CHECK-INCOMPLETE');
    const { detail } = notice(cards)!;
    expect(detail).toContain('**1800 orders were not checked**');
    expect(detail).toMatch(/\*\*\d+ alerts were not shown\*\*/);
  });

  it('a real order session is left as it is: no notice, every card', async () => {
    const { cards } = await call(app, 'order-sign', [prolia(1), romosozumab(2)]);
    expect(notice(cards)).toBeUndefined();
    expect(cards.map(code)).toEqual(expect.arrayContaining(['ORDER-ROMO-CV', 'ORDER-LABS']));
  });

  it('patient-view never gets the notice (drafts are not read there)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/cds-services/${SERVICE['patient-view']}`,
      payload: hookRequest('patient-view', chart()),
    });
    expect(notice(expectValidCdsResponse(res).cards)).toBeUndefined();
  });
});

describe('MAX_CARDS keeps the most severe cards', () => {
  let app: FastifyInstance;
  const lines: string[] = [];
  beforeAll(async () => {
    app = await buildTestApp({
      env: { MAX_CARDS: '5', LOG_LEVEL: 'info' },
      logStream: { write: (line) => lines.push(line) },
    });
  });
  afterAll(() => app.close());

  it('criticals sent last are kept, the notice says how many cards were left out, the log line too', async () => {
    const drafts = [...Array.from({ length: 9 }, (_, i) => prolia(i)), ...[9, 10, 11].map(romosozumab)];
    const { res, cards } = await call(app, 'order-sign', drafts);
    expect(cards).toHaveLength(5);
    expect(cards.slice(0, 3).map((c) => c.indicator)).toEqual(['critical', 'critical', 'critical']);
    const incomplete = notice(cards)!;
    expect(cards.indexOf(incomplete)).toBe(3);
    expect(incomplete.summary).toMatch(/^Review the alerts shown: \d+ lower-priority alerts were left out/);
    expect(incomplete.detail).not.toContain('orders were not checked');
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request completed' && l.bounded);
    expect(line.bounded).toMatchObject({ draftOrdersReceived: 12, draftOrdersChecked: 12, cardsReturned: 5 });
    expect(line.bounded.cardsFound).toBeGreaterThan(5);
    expect(res.statusCode).toBe(200);
  });
});

describe('selectDraftOrders', () => {
  const medication = (id: string): FhirResource => ({
    resourceType: 'Medication',
    id,
    code: { text: 'Prolia' },
  });
  const byReference = (id: string, medId: string): FhirResource => ({
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'proposal',
    medicationReference: { reference: `Medication/${medId}` },
  });

  it('returns the drafts unchanged within the bound', () => {
    const drafts = [prolia(1), medication('m'), prolia(2)];
    expect(selectDraftOrders(drafts, undefined, 2)).toEqual({ drafts, received: 2, checked: 2 });
  });

  it('takes the selected orders first, keeps the order received and the Medications the kept orders use', () => {
    const drafts = [
      byReference('a', 'm-a'),
      byReference('b', 'm-b'),
      byReference('c', 'm-c'),
      medication('m-a'),
      medication('m-b'),
      medication('m-c'),
    ];
    const picked = selectDraftOrders(drafts, ['MedicationRequest/c'], 2);
    expect(picked.drafts.map((d) => `${d.resourceType}/${d.id}`)).toEqual([
      'MedicationRequest/a',
      'MedicationRequest/c',
      'Medication/m-a',
      'Medication/m-c',
    ]);
    expect(picked).toMatchObject({ received: 3, checked: 2 });
  });

  it('the engine reports what it left out', () => {
    const engine = createEngine(loadProjectKnowledge(), {}, { maxDraftOrders: 10, maxCards: 5 });
    let bounded: ResponseBounded | undefined;
    const cards = engine.evaluate(
      {
        serviceId: SERVICE['order-sign'],
        hook: 'order-sign',
        patientId: F.PATIENT_ID,
        resources: chart(),
        draftOrders: Array.from({ length: 30 }, (_, i) => prolia(i)),
        now: new Date(TEST_NOW),
      },
      { onBounded: (b) => (bounded = b) },
    );
    expect(cards).toHaveLength(5);
    expect(bounded).toMatchObject({ draftOrdersReceived: 30, draftOrdersChecked: 10, cardsReturned: 5 });
  });
});

describe('MAX_DRAFT_ORDERS and MAX_CARDS configuration', () => {
  it('defaults and overrides', () => {
    expect(testConfig().responseBounds).toEqual({ maxDraftOrders: 200, maxCards: 25 });
    expect(testConfig({ MAX_DRAFT_ORDERS: '50', MAX_CARDS: '10' }).responseBounds).toEqual({
      maxDraftOrders: 50,
      maxCards: 10,
    });
  });

  it('refuses a MAX_CARDS that leaves no room for the patient-view cards and the notice', () => {
    expect(() => testConfig({ MAX_CARDS: '2' })).toThrow(ConfigError);
    expect(() => testConfig({ MAX_DRAFT_ORDERS: '0' })).toThrow(ConfigError);
  });
});
