import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { formatAnalyticsTable } from '../../src/analytics/format-table.js';
import { escapeTerminalJson } from '../../src/analytics/terminal-text.js';
import { loadProjectKnowledge, type Knowledge } from '../../src/service/knowledge.js';
import type { CdsEngine } from '../../src/service/engine.js';
import type { Card } from '../../src/protocol/types.js';
import { buildTestApp } from '../support/build-app.js';
import {
  ADMIN_TOKEN,
  HASH_SECRET,
  callPatientView,
  fetchAnalytics,
  type ShownCard,
} from './support/hook-calls.js';

const cardCatalogue = loadProjectKnowledge().cards;

/**
 * Override reasons in every shape real clients send (issue 15: the spec's object, Epic-style lists, coded and
 * uncoded), stored and counted; and what is kept of them (issue 11 findings 5–7): codes are the card's own (or a
 * short safe code when the card is unknown), never free text; lists and strings are bounded; nothing reaches the
 * report's terminal unescaped.
 */
const OWN_SYSTEM = 'urn:dmab-cds:override-reason';
/** DMAB-LAPSE's own override reasons, as the card content defines them today (codes and labels). */
const OWN = cardCatalogue.cards.get('DMAB-LAPSE' as never)!.overrideReasons;
const C = OWN.map((r) => r.code);
const D = OWN.map((r) => r.display!);

/** Cards with real catalogue ids (DMAB-LAPSE has its own override reasons in cards/DMAB-LAPSE.json). */
const engine: CdsEngine = {
  contentVersion: 'test-1',
  evaluate: (): Card[] => [
    {
      uuid: randomUUID(),
      summary: 'Denosumab lapsed',
      indicator: 'critical',
      source: { label: 'Test', topic: { system: 'urn:dmab-cds:card-catalogue', code: 'DMAB-LAPSE' } },
    },
  ],
};

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function build(env: Record<string, string> = {}, knowledge?: Knowledge) {
  const app = await buildTestApp({
    engine,
    ...(knowledge ? { knowledge } : {}),
    env: {
      ANALYTICS_ADMIN_TOKEN: ADMIN_TOKEN,
      PATIENT_HASH_SECRET: HASH_SECRET,
      FEEDBACK_FLUSH_INTERVAL_MS: '60000',
      ...env,
    },
  });
  apps.push(app);
  return app;
}

const at = '2025-06-15T12:01:00.000Z';
const post = (app: FastifyInstance, items: unknown[]) =>
  app.inject({
    method: 'POST',
    url: '/cds-services/osteoporosis-patient-view/feedback',
    payload: { feedback: items },
  });

async function reasonsAfter(app: FastifyInstance, items: (card: ShownCard) => Record<string, unknown>[]) {
  const cards = await Promise.all(items(undefined as never).map(() => callPatientView(app)));
  const bodies = items(cards[0]![0]!).map((body, i) => ({
    card: cards[i]![0]!.uuid,
    outcome: 'overridden',
    outcomeTimestamp: at,
    ...body,
  }));
  const res = await post(app, bodies);
  expect(res.statusCode, res.body).toBe(200);
  expect(await app.feedbackStore.queue.flush()).toBe(true);
  const analytics = await fetchAnalytics(app);
  return analytics.groups.find((g) => g.catalogueId === 'DMAB-LAPSE')!;
}

describe('override reasons in every shape clients send (issue 15)', () => {
  it('spec, singular list, plural list of OverrideReasons, plural list of Codings, CodeableConcept, uncoded text', async () => {
    const app = await build();
    const group = await reasonsAfter(app, () => [
      // CDS Hooks 2.0
      {
        overrideReason: {
          reason: { code: C[0], system: OWN_SYSTEM, display: D[0] },
        },
      },
      // a list where the spec has one object
      { overrideReason: [{ reason: { code: C[1], system: OWN_SYSTEM } }] },
      // plural, as lists of OverrideReason objects (the shape Epic's feedback is reported to use)
      {
        overrideReasons: [
          { reason: { code: C[2], system: OWN_SYSTEM }, userComment: 'dates wrong' },
          { reason: { code: C[3], system: OWN_SYSTEM } },
        ],
      },
      // plural, as a list of Codings
      { overrideReasons: [{ code: C[4], system: OWN_SYSTEM }] },
      // a CodeableConcept in place of the Coding
      {
        overrideReason: { reason: { coding: [{ code: C[0], system: OWN_SYSTEM }], text: 'x' } },
      },
      // uncoded: the reason's label only, as text or display (matched to the card's own code)
      { overrideReason: { reason: { display: D[5] } } },
      { overrideReasons: [D[0]!.toUpperCase()] },
      // a site's own code the card does not offer, and free text: counted as uncoded, not stored as text
      { overrideReason: { reason: { code: 'EPIC-1234', system: 'urn:oid:1.2.840.114350' } } },
      { overrideReason: { reason: 'John Smith 1950-01-01 MRN 12345678' } },
    ]);
    const count = (code: string | null | undefined) =>
      group.overrideReasons.find((r) => r.code === code)?.count ?? 0;
    expect(group.overridden).toBe(9);
    expect(count(C[0])).toBe(3);
    expect(count(C[1])).toBe(1);
    expect(count(C[2])).toBe(1);
    expect(count(C[3])).toBe(1);
    expect(count(C[4])).toBe(1);
    expect(count(C[5]!)).toBe(1);
    expect(count(null)).toBe(2);
    expect(JSON.stringify(group)).not.toMatch(/John|1950|12345678|EPIC-1234/);
  });
});

describe('the card catalogue the app is built with', () => {
  it("decides a card's own reason codes for the feedback store and the analytics, not the project's cards/", async () => {
    const project = loadProjectKnowledge();
    const lapse = project.cards.cards.get('DMAB-LAPSE')!;
    const siteReason = {
      system: OWN_SYSTEM,
      code: 'site-own-reason',
      display: 'A reason only this site offers',
    };
    const cards = new Map(project.cards.cards).set('DMAB-LAPSE', { ...lapse, overrideReasons: [siteReason] });
    const app = await build({}, { ...project, cards: { ...project.cards, cards } });
    const group = await reasonsAfter(app, () => [
      { overrideReason: { reason: { code: siteReason.code, system: OWN_SYSTEM } } },
      // One of the project's own codes for this card, which the injected catalogue does not offer.
      { overrideReason: { reason: { code: C[0], system: OWN_SYSTEM } } },
    ]);
    expect(group.overrideReasons).toEqual([
      { code: null, system: null, count: 1 },
      { code: siteReason.code, system: OWN_SYSTEM, count: 1 },
    ]);
  });
});

describe('what is kept of feedback (issue 11 findings 5 and 7)', () => {
  it('a reason code of a known card is one of its own codes, never a name, a date of birth or an MRN', async () => {
    const app = await build();
    const group = await reasonsAfter(app, () => [
      { overrideReason: { reason: { code: 'Jane Doe', system: OWN_SYSTEM } } },
      { overrideReason: { reason: { code: '1950-01-01' } } },
      { overrideReason: { reason: { code: 'MRN12345678', system: 'x' } } },
      { overrideReason: { reason: { code: C[0], system: OWN_SYSTEM } } },
    ]);
    expect(group.overrideReasons).toEqual([
      { code: null, system: null, count: 3 },
      { code: C[0], system: OWN_SYSTEM, count: 1 },
    ]);
  });

  it('for a card this process does not know, only a short code of a safe character set is kept', async () => {
    const app = await build();
    const items = [
      { code: 'Jane Doe' },
      { code: 'x'.repeat(65) },
      { code: '<script>' },
      { code: 'site-reason-7', system: 'urn:oid:1.2.3' },
    ].map((reason) => ({
      card: randomUUID(),
      outcome: 'overridden',
      overrideReason: { reason },
      outcomeTimestamp: at,
    }));
    const stored: unknown[] = [];
    const original = app.feedbackStore.queue.enqueueFeedback.bind(app.feedbackStore.queue);
    app.feedbackStore.queue.enqueueFeedback = (records) => {
      stored.push(...records.map((r) => r.overrideReasons));
      original(records);
    };
    expect((await post(app, items)).statusCode).toBe(200);
    expect(stored).toEqual([
      [{ code: null, system: null }],
      [{ code: null, system: null }],
      [{ code: null, system: null }],
      [{ code: 'site-reason-7', system: 'urn:oid:1.2.3' }],
    ]);
  });

  it('bounds every list and string: ids up to 1,024 characters, at most 20 accepted suggestions and 100 items', async () => {
    const app = await build();
    const item = (over: Record<string, unknown> = {}) => ({
      card: randomUUID(),
      outcome: 'accepted',
      acceptedSuggestions: [{ id: 's1' }],
      outcomeTimestamp: at,
      ...over,
    });
    // Epic-length ids are accepted.
    expect(
      (await post(app, [item({ card: 'c'.repeat(1024), acceptedSuggestions: [{ id: 's'.repeat(1024) }] })]))
        .statusCode,
    ).toBe(200);
    const refused = [
      [item({ card: 'c'.repeat(1025) })],
      [item({ acceptedSuggestions: [{ id: 's'.repeat(1025) }] })],
      [item({ acceptedSuggestions: Array.from({ length: 21 }, (_, i) => ({ id: `s${i}` })) })],
      Array.from({ length: 101 }, () => item()),
      [item({ outcome: 'overridden', overrideReason: { userComment: 'x'.repeat(10_001) } })],
    ];
    for (const items of refused) {
      const res = await post(app, items);
      expect(res.statusCode).toBe(400);
      expect((res.json() as { message: string }).message).toMatch(
        /feedback|card|acceptedSuggestions|userComment/,
      );
    }
  });

  it('a stored comment is cut to 2,000 characters, and kept only with FEEDBACK_STORE_USER_COMMENTS=true', async () => {
    for (const keep of [true, false]) {
      const app = await build({ FEEDBACK_STORE_USER_COMMENTS: String(keep) });
      const comments: (string | null)[] = [];
      const original = app.feedbackStore.queue.enqueueFeedback.bind(app.feedbackStore.queue);
      app.feedbackStore.queue.enqueueFeedback = (records) => {
        comments.push(...records.map((r) => r.userComment));
        original(records);
      };
      const res = await post(app, [
        {
          card: randomUUID(),
          outcome: 'overridden',
          overrideReasons: [{ userComment: 'y'.repeat(9000) }],
          outcomeTimestamp: at,
        },
      ]);
      expect(res.statusCode).toBe(200);
      expect(comments).toEqual([keep ? 'y'.repeat(2000) : null]);
    }
  });
});

describe('the report never drives the terminal (issue 11 finding 6)', () => {
  const hostile = 'x\u001b[2J\u001b[H\u009b31m\r\nfake | row\u202e';
  const analytics = {
    from: '2025-01-01T00:00:00.000Z',
    to: '2025-02-01T00:00:00.000Z',
    unattributedFeedback: 0,
    groups: [
      {
        catalogueId: hostile,
        indicator: 'info',
        shown: 1,
        accepted: 0,
        overridden: 1,
        acceptanceRate: 0,
        overrideReasons: [{ code: hostile, system: null, count: 1 }],
        medianSecondsToFeedback: 1,
      },
    ],
  };

  it('table cells lose every control and bidi character; JSON escapes them', () => {
    const table = formatAnalyticsTable(analytics);
    // eslint-disable-next-line no-control-regex
    expect(table.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(table.split('\n').filter((l) => l.includes('fake'))).toHaveLength(1);
    const json = escapeTerminalJson(JSON.stringify(analytics, null, 2));
    // eslint-disable-next-line no-control-regex
    expect(json.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(json)).toEqual(analytics);
  });
});
