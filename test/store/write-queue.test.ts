import { describe, expect, it } from 'vitest';
import { WriteQueue, type RecordKind, type WriteOutcome } from '../../src/store/write-queue.js';
import type { CardLogRecord, FeedbackStore } from '../../src/store/types.js';

/** A store whose availability the test switches, and which can refuse one specific card. */
function fakeStore() {
  const written: CardLogRecord[] = [];
  const state = { up: true, poison: undefined as string | undefined, migrations: 0 };
  const store: FeedbackStore = {
    backend: 'sqlite',
    migrate: async () => {
      if (!state.up) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
      state.migrations++;
      return 0;
    },
    insertCards: async (records) => {
      if (!state.up) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
      if (records.some((r) => r.cardUuid === state.poison))
        throw Object.assign(new Error('bad'), { code: '22P02' });
      written.push(...records);
    },
    insertFeedback: async () => undefined,
    ping: async () => state.up,
    analyticsFacts: async () => ({ shown: [], feedback: [], unattributedFeedback: 0 }),
    purgeOlderThan: async () => ({ cards: 0, feedback: 0 }),
    close: async () => undefined,
  };
  return { store, written, state };
}

const card = (n: number): CardLogRecord => ({
  cardUuid: `card-${n}`,
  suggestionUuids: [],
  serviceId: 's',
  catalogueId: 'c',
  indicator: 'info',
  contentVersion: 'v',
  hookInstance: 'h',
  issuer: null,
  tenant: null,
  patientHash: 'x',
  shownAt: new Date(0),
});

function queueOn(store: FeedbackStore, options: Partial<ConstructorParameters<typeof WriteQueue>[0]> = {}) {
  const events: [RecordKind, WriteOutcome, number][] = [];
  const problems: Record<string, unknown>[] = [];
  const queue = new WriteQueue({
    store,
    maxRecords: 5,
    batchSize: 2,
    flushIntervalMs: 60_000,
    onWrite: (...e) => events.push(e),
    onProblem: (_message, details) => problems.push(details),
    ...options,
  });
  const count = (outcome: WriteOutcome) =>
    events.filter((e) => e[1] === outcome).reduce((n, e) => n + e[2], 0);
  return { queue, events, problems, count };
}

describe('WriteQueue', () => {
  it('writes in batches of the configured size', async () => {
    const { store, written } = fakeStore();
    const { queue, events } = queueOn(store);
    queue.enqueueCards([card(1), card(2), card(3)]);
    expect(await queue.flush()).toBe(true);
    expect(written.map((c) => c.cardUuid)).toEqual(['card-1', 'card-2', 'card-3']);
    expect(events).toEqual([
      ['card', 'ok', 2],
      ['card', 'ok', 1],
    ]);
  });

  it('a flush also writes what arrives while it runs', async () => {
    const { store, written } = fakeStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const insert = store.insertCards;
    store.insertCards = async (records) => {
      await gate;
      await insert(records);
    };
    const { queue } = queueOn(store);
    queue.enqueueCards([card(1)]);
    const flushed = queue.flush();
    queue.enqueueCards([card(2)]);
    release();
    expect(await flushed).toBe(true);
    expect(written.map((c) => c.cardUuid)).toEqual(['card-1', 'card-2']);
  });

  it('bounds the queue by dropping the oldest records, and reports each loss', async () => {
    const { store, written, state } = fakeStore();
    const { queue, count, problems } = queueOn(store);
    state.up = false;
    queue.enqueueCards([1, 2, 3, 4, 5, 6, 7].map(card));
    expect(queue.size).toBe(5);
    expect(count('dropped')).toBe(2);
    expect(problems.some((p) => p.reason === 'queue full' && p.count === 2)).toBe(true);
    // Nothing about a record's content reaches the log.
    expect(JSON.stringify(problems)).not.toContain('card-');

    expect(await queue.flush()).toBe(false);
    expect(count('retrying')).toBeGreaterThan(0);
    state.up = true;
    expect(await queue.flush()).toBe(true);
    expect(written.map((c) => c.cardUuid)).toEqual(['card-3', 'card-4', 'card-5', 'card-6', 'card-7']);
  });

  it('retries the schema migrations before writing when they could not run', async () => {
    const { store, state, written } = fakeStore();
    let migrated = false;
    const { queue } = queueOn(store, {
      prepare: async () => {
        if (!migrated) await store.migrate();
        migrated = true;
      },
    });
    state.up = false;
    queue.enqueueCards([card(1)]);
    expect(await queue.flush()).toBe(false);
    expect(written).toEqual([]);
    state.up = true;
    expect(await queue.flush()).toBe(true);
    expect(state.migrations).toBe(1);
    expect(written).toHaveLength(1);
  });

  it('drops a batch the database keeps refusing while it is up, so the rest is not blocked', async () => {
    const { store, state, written } = fakeStore();
    const { queue, count } = queueOn(store, { batchSize: 1 });
    state.poison = 'card-1';
    queue.enqueueCards([card(1), card(2)]);
    expect(await queue.flush()).toBe(false);
    expect(await queue.flush()).toBe(false);
    expect(await queue.flush()).toBe(true);
    expect(count('dropped')).toBe(1);
    expect(written.map((c) => c.cardUuid)).toEqual(['card-2']);
  });

  it('writes everything on close, and counts what it could not write as dropped', async () => {
    const up = fakeStore();
    const first = queueOn(up.store);
    first.queue.enqueueCards([card(1), card(2), card(3)]);
    await first.queue.close(1000);
    expect(up.written).toHaveLength(3);

    const down = fakeStore();
    down.state.up = false;
    const second = queueOn(down.store);
    second.queue.enqueueCards([card(1), card(2)]);
    await second.queue.close(0);
    expect(second.count('dropped')).toBe(2);
    expect(second.queue.size).toBe(0);
    second.queue.enqueueCards([card(3)]);
    expect(second.count('dropped')).toBe(3);
  });
});
