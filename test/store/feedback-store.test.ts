import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import type { CdsEventMap } from '../../src/observability/events.js';
import {
  findPostgres,
  postgresBackend,
  sqliteBackend,
  type BackendUnderTest,
  type Outage,
  type TestDatabase,
} from './support/backends.js';
import {
  ADMIN_TOKEN,
  HASH_SECRET,
  accepted,
  callPatientView,
  fetchAnalytics,
  overridden,
  sendFeedback,
  stubEngine,
} from './support/hook-calls.js';

const postgresUrl = await findPostgres();
const backends: BackendUnderTest[] = [sqliteBackend];
if (postgresUrl) {
  backends.push(postgresBackend(postgresUrl));
} else {
  console.warn(
    '[test/store] PostgreSQL is not reachable at 127.0.0.1:5432 (or TEST_DATABASE_URL): skipping the PostgreSQL backend',
  );
}

type StoreWrite = CdsEventMap['store.write'];

describe.each(backends)('feedback store on $name', (backend) => {
  let db: TestDatabase;
  const apps: FastifyInstance[] = [];
  let outage: Outage | undefined;

  beforeEach(async () => {
    db = await backend.fresh();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await outage?.dispose();
    outage = undefined;
    await db.dispose();
  });

  /** The app against this test's database; the timer is slowed down so that tests decide when writes happen. */
  async function build(env: Record<string, string> = {}) {
    const app = await buildTestApp({
      engine: stubEngine,
      env: {
        ...db.env,
        ANALYTICS_ADMIN_TOKEN: ADMIN_TOKEN,
        PATIENT_HASH_SECRET: HASH_SECRET,
        FEEDBACK_FLUSH_INTERVAL_MS: '60000',
        // A failed test can leave the database down: do not wait long for it when closing.
        FEEDBACK_SHUTDOWN_DRAIN_MS: '500',
        ...env,
      },
    });
    apps.push(app);
    return app;
  }

  const flush = async (app: FastifyInstance) => expect(await app.feedbackStore.queue.flush()).toBe(true);

  it('takes feedback through HTTP into the store and out through /analytics/cards', async () => {
    const app = await build();
    const first = await callPatientView(app);
    const second = await callPatientView(app);
    const [dmab1, vf1] = first;
    const [dmab2] = second;
    await sendFeedback(app, [
      accepted(dmab1!, '2025-06-15T12:01:00.000Z'),
      overridden(dmab2!, 'patient-declined', '2025-06-15T12:03:00.000Z'),
      overridden(vf1!, 'not-relevant', '2025-06-15T12:02:00.000Z'),
    ]);
    await flush(app);

    const analytics = await fetchAnalytics(app);
    expect(analytics.groups).toEqual([
      {
        catalogueId: 'dmab-lapse',
        indicator: 'critical',
        shown: 2,
        accepted: 1,
        overridden: 1,
        acceptanceRate: 0.5,
        overrideReasons: [
          { code: 'patient-declined', system: 'https://example.org/override-reasons', count: 1 },
        ],
        medianSecondsToFeedback: 120,
      },
      {
        catalogueId: 'vf-recent',
        indicator: 'warning',
        shown: 2,
        accepted: 0,
        overridden: 1,
        acceptanceRate: 0,
        overrideReasons: [{ code: 'not-relevant', system: 'https://example.org/override-reasons', count: 1 }],
        medianSecondsToFeedback: 120,
      },
    ]);
    expect(analytics.unattributedFeedback).toBe(0);

    const cards = await db.rows('card_log');
    const dmabRow = cards.find((r) => r.card_uuid === dmab1!.uuid)!;
    expect(dmabRow).toMatchObject({
      service_id: 'osteoporosis-patient-view',
      catalogue_id: 'dmab-lapse',
      indicator: 'critical',
      content_version: 'test-1',
    });
    const suggestions = dmabRow.suggestion_uuids;
    expect(typeof suggestions === 'string' ? JSON.parse(suggestions) : suggestions).toEqual(
      dmab1!.suggestionUuids,
    );
    const feedback = await db.rows('card_feedback');
    const acceptedRow = feedback.find((r) => r.card_uuid === dmab1!.uuid)!;
    const acceptedIds = acceptedRow.accepted_suggestion_ids;
    expect(typeof acceptedIds === 'string' ? JSON.parse(acceptedIds) : acceptedIds).toEqual(
      dmab1!.suggestionUuids,
    );
  });

  it('ranks override reasons and leaves a window without cards empty', async () => {
    const app = await build();
    const shown = [];
    for (let i = 0; i < 3; i++) shown.push((await callPatientView(app))[0]!);
    await sendFeedback(app, [
      overridden(shown[0]!, 'already-treated'),
      overridden(shown[1]!, 'patient-declined'),
      overridden(shown[2]!, 'patient-declined'),
    ]);
    await flush(app);
    const [dmab] = (await fetchAnalytics(app)).groups;
    expect(dmab!.overrideReasons.map((r) => [r.code, r.count])).toEqual([
      ['patient-declined', 2],
      ['already-treated', 1],
    ]);
    expect((await fetchAnalytics(app, 'from=2024-01-01&to=2024-02-01')).groups).toEqual([]);
  });

  it('keeps the data across a restart, flushing the queue on close', async () => {
    const app = await build();
    const [dmab] = await callPatientView(app);
    await sendFeedback(app, [accepted(dmab!)]);
    // No explicit flush: the graceful close must write what is queued.
    await app.close();
    apps.splice(apps.indexOf(app), 1);

    const restarted = await build();
    const group = (await fetchAnalytics(restarted)).groups.find((g) => g.catalogueId === 'dmab-lapse');
    expect(group).toMatchObject({ shown: 1, accepted: 1 });
  });

  it('stores repeated feedback for the same card and outcome once', async () => {
    const app = await build();
    const [dmab] = await callPatientView(app);
    await sendFeedback(app, [accepted(dmab!), accepted(dmab!)]);
    await sendFeedback(app, [accepted(dmab!, '2025-06-15T12:05:00.000Z')]);
    await flush(app);
    await sendFeedback(app, [accepted(dmab!)]);
    await flush(app);

    expect((await db.rows('card_feedback')).filter((r) => r.card_uuid === dmab!.uuid)).toHaveLength(1);
    const group = (await fetchAnalytics(app)).groups.find((g) => g.catalogueId === 'dmab-lapse');
    expect(group).toMatchObject({ shown: 1, accepted: 1, medianSecondsToFeedback: 60 });
  });

  it('keeps answering hooks while the database is down, counts the loss, and resumes writing', async () => {
    outage = await db.outage();
    const app = await build({ ...outage.env, FEEDBACK_QUEUE_MAX: '4' });
    const writes: StoreWrite[] = [];
    app.cdsEvents.on('store.write', (e) => writes.push(e));
    const total = (outcome: StoreWrite['outcome']) =>
      writes.filter((w) => w.kind === 'card' && w.outcome === outcome).reduce((n, w) => n + w.count, 0);

    await callPatientView(app);
    await flush(app);
    expect(total('ok')).toBe(2);

    await outage.takeDown();
    // Three calls, two cards each: all answered, but only the newest four cards fit in the queue.
    const during = [];
    for (let i = 0; i < 3; i++) during.push(await callPatientView(app));
    expect(during.flat()).toHaveLength(6);
    await sendFeedback(app, [accepted(during[2]![0]!)]);
    expect(await app.feedbackStore.queue.flush()).toBe(false);
    expect(total('dropped')).toBe(2);
    expect(total('retrying')).toBeGreaterThan(0);
    expect(app.feedbackStore.queue.size).toBe(5); // four cards and the feedback item

    await outage.bringBack();
    await flush(app);
    expect(total('ok')).toBe(6);
    expect(await db.rows('card_log')).toHaveLength(6);
    expect((await db.rows('card_feedback')).map((r) => r.card_uuid)).toEqual([during[2]![0]!.uuid]);
  });

  // SQLite in WAL mode keeps serving reads while another process holds the write lock: only a server can be down.
  it.runIf(backend.name === 'postgres')(
    'answers /analytics/cards with 503 and Retry-After while the database is down, and figures once it is back',
    async () => {
      outage = await db.outage();
      const app = await build(outage.env);
      await callPatientView(app);
      await flush(app);

      await outage.takeDown();
      const down = await app.inject({
        method: 'GET',
        url: '/analytics/cards?from=2025-01-01&to=2026-01-01',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(down.statusCode).toBe(503);
      expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
      expect(down.json()).toMatchObject({
        statusCode: 503,
        message: expect.stringMatching(/feedback store/),
      });

      await outage.bringBack();
      expect((await fetchAnalytics(app)).groups.map((g) => g.shown)).toEqual([1, 1]);
    },
  );

  it('at shutdown, the drain ends by the process deadline and counts what it could not write as dropped', async () => {
    outage = await db.outage();
    // A long drain budget: without the shared deadline, close() would keep retrying for 60 s.
    const app = await build({ ...outage.env, FEEDBACK_SHUTDOWN_DRAIN_MS: '60000' });
    const writes: StoreWrite[] = [];
    app.cdsEvents.on('store.write', (e) => writes.push(e));
    await outage.takeDown();
    await callPatientView(app);
    expect(app.feedbackStore.queue.size).toBe(2);
    app.readiness.shuttingDown = true;
    app.readiness.shutdownDeadline = Date.now() + 300;
    apps.splice(apps.indexOf(app), 1);
    await app.close();
    const dropped = writes
      .filter((w) => w.kind === 'card' && w.outcome === 'dropped')
      .reduce((n, w) => n + w.count, 0);
    expect(dropped).toBe(2);
    expect(app.feedbackStore.queue.size).toBe(0);
  });

  it('records the caller (issuer, tenant) and the hook instance with each card', async () => {
    const app = await build();
    app.cdsEvents.emit('hook.completed', {
      serviceId: 'osteoporosis-order-sign',
      hook: 'order-sign',
      hookInstance: 'instance-1',
      statusCode: 200,
      durationMs: 1,
      cards: stubEngine.evaluate({} as never),
      prefetchSources: {},
      patientId: 'p1',
      contentVersion: 'content-9',
      issuer: 'https://ehr.example.org',
      tenant: 'tenant-a',
    });
    await flush(app);
    const rows = await db.rows('card_log');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        service_id: 'osteoporosis-order-sign',
        hook_instance: 'instance-1',
        content_version: 'content-9',
        issuer: 'https://ehr.example.org',
        tenant: 'tenant-a',
      });
    }
  });

  it('never stores the patient id: only its keyed hash', async () => {
    const patientId = 'patient-zz-481516';
    const app = await build();
    const [dmab] = await callPatientView(app, patientId);
    await sendFeedback(app, [overridden(dmab!, 'patient-declined')]);
    await flush(app);

    const cards = await db.rows('card_log');
    expect(cards).toHaveLength(2);
    const expected = createHmac('sha256', HASH_SECRET).update(patientId).digest('hex');
    for (const row of cards) {
      expect(row.patient_hash).toBe(expected);
      expect(row.patient_hash).not.toContain(patientId);
    }
    const everything = JSON.stringify([cards, await db.rows('card_feedback')]);
    expect(everything).not.toContain(patientId);
    expect(everything).not.toContain('Practitioner/1');
  });

  it('writes every card when many requests arrive at once', async () => {
    const app = await build();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => callPatientView(app, `p${i}`)));
    expect(results.flat()).toHaveLength(400);
    await flush(app);
    const cards = await db.rows('card_log');
    expect(cards).toHaveLength(400);
    expect(new Set(cards.map((r) => r.patient_hash)).size).toBe(200);
    const shown = (await fetchAnalytics(app)).groups.map((g) => g.shown);
    expect(shown).toEqual([200, 200]);
  });

  it('drops userComment unless storing it is enabled', async () => {
    const comment = 'free text that could name the patient';
    const off = await build();
    const [first] = await callPatientView(off);
    await sendFeedback(off, [overridden(first!, 'other', undefined, comment)]);
    await flush(off);
    expect((await db.rows('card_feedback'))[0]).toMatchObject({ card_uuid: first!.uuid, user_comment: null });

    const on = await build({ FEEDBACK_STORE_USER_COMMENTS: 'true' });
    const [second] = await callPatientView(on);
    await sendFeedback(on, [overridden(second!, 'other', undefined, comment)]);
    await flush(on);
    const row = (await db.rows('card_feedback')).find((r) => r.card_uuid === second!.uuid);
    expect(row).toMatchObject({ user_comment: comment });
  });

  it('guards /analytics/cards with the admin token, and hides it when none is configured', async () => {
    const app = await build();
    const url = '/analytics/cards?days=7';
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const wrong = await app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}x` },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toContain('Bearer');
    const right = await app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(right.statusCode).toBe(200);
    const bad = await app.inject({
      method: 'GET',
      url: '/analytics/cards?from=yesterday',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(bad.statusCode).toBe(400);

    const hidden = await build({ ANALYTICS_ADMIN_TOKEN: '' });
    const res = await hidden.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.statusCode).toBe(404);
  });

  it('purges records older than the retention period', async () => {
    let now = new Date('2025-06-15T12:00:00Z');
    const app = await buildTestApp({
      engine: stubEngine,
      clock: () => now,
      env: {
        ...db.env,
        ANALYTICS_ADMIN_TOKEN: ADMIN_TOKEN,
        PATIENT_HASH_SECRET: HASH_SECRET,
        FEEDBACK_FLUSH_INTERVAL_MS: '60000',
        FEEDBACK_RETENTION_DAYS: '30',
      },
    });
    apps.push(app);
    const [old] = await callPatientView(app);
    await sendFeedback(app, [accepted(old!)]);
    now = new Date('2025-08-01T12:00:00Z');
    const [recent] = await callPatientView(app);
    await flush(app);

    expect(await app.feedbackStore.purge()).toEqual({ cards: 2, feedback: 1 });
    const remaining = (await db.rows('card_log')).map((r) => r.card_uuid);
    expect(remaining).toHaveLength(2);
    expect(remaining).toContain(recent!.uuid);
    expect(remaining).not.toContain(old!.uuid);
    expect(await db.rows('card_feedback')).toEqual([]);
  });

  it.runIf(backend.name === 'postgres')(
    'starts while the database is down and catches up when it returns',
    async () => {
      outage = await db.outage();
      await outage.takeDown();
      const app = await build(outage.env);
      expect(await callPatientView(app)).toHaveLength(2);
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({
        checks: { store: 'failing' },
      });
      expect(await app.feedbackStore.queue.flush()).toBe(false);

      await outage.bringBack();
      await flush(app);
      expect(await db.rows('card_log')).toHaveLength(2);
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({
        checks: { store: 'ok' },
      });
    },
  );
});
