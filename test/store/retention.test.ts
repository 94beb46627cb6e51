import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresFeedbackStore } from '../../src/store/postgres-store.js';
import { SqliteFeedbackStore } from '../../src/store/sqlite-store.js';
import { purgeExpired } from '../../src/store/retention.js';
import type { FeedbackStore } from '../../src/store/types.js';
import { findPostgres } from './support/backends.js';
import { cardRecord, feedbackRecord } from './support/records.js';

const url = await findPostgres();
if (!url) console.warn('[test/store] PostgreSQL is not reachable: skipping the PostgreSQL retention tests');

const DAY = 86_400_000;
const now = new Date('2025-06-30T12:00:00.000Z');
const cutoff = new Date(now.getTime() - 30 * DAY);

const backends: { name: string; open: () => Promise<[FeedbackStore, () => Promise<void>]> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const store = new SqliteFeedbackStore(':memory:');
      return [store, () => store.close()];
    },
  },
];
if (url) {
  backends.push({
    name: 'postgres',
    open: async () => {
      const schema = `store_retention_${process.pid}_${randomBytes(4).toString('hex')}`;
      const store = new PostgresFeedbackStore({ connectionString: url, schema });
      return [
        store,
        async () => {
          await store.close();
          const admin = new pg.Client({ connectionString: url });
          await admin.connect();
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await admin.end();
        },
      ];
    },
  });
}

describe.each(backends)('retention purge on $name', ({ open }) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
  });

  it('deletes records older than N days, keeps one exactly N days old, and works through many batches', async () => {
    const [store, close] = await open();
    cleanup.push(close);
    await store.migrate();
    const older = Array.from({ length: 23 }, (_, i) => new Date(cutoff.getTime() - 1 - i * 60_000));
    const kept = [cutoff, new Date(cutoff.getTime() + 1), now];
    await store.insertCards([...older, ...kept].map(cardRecord));
    await store.insertFeedback([...older.slice(0, 11), ...kept].map(feedbackRecord));

    // A batch of 5 rows: the purge must loop until nothing older is left, letting the event loop turn between
    // batches (SQLite statements are synchronous: one huge DELETE would stall every hook call meanwhile).
    let eventLoopTurned = false;
    setImmediate(() => (eventLoopTurned = true));
    const result = await store.purgeOlderThan(cutoff, { batchSize: 5 });
    expect(result).toEqual({ cards: 23, feedback: 11 });
    expect(eventLoopTurned).toBe(true);

    const facts = await store.analyticsFacts({ from: new Date(0), to: new Date(now.getTime() + 1) });
    expect(facts.shown.reduce((n, s) => n + s.shown, 0)).toBe(3);
    // purgeExpired computes the same cutoff from N days: nothing more to delete.
    expect(await purgeExpired(store, 30, now)).toEqual({ cards: 0, feedback: 0 });
  });
});
