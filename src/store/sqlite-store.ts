import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.js';
import {
  CARD_COLUMNS,
  cardRow,
  FEEDBACK_COLUMNS,
  feedbackRow,
  type FeedbackFactRow,
  toFeedbackFact,
} from './rows.js';
import type {
  AnalyticsFacts,
  CardLogRecord,
  FeedbackRecord,
  FeedbackStore,
  PurgeResult,
  ShownCount,
  TimeWindow,
} from './types.js';

/**
 * SQLite's waits for a lock are synchronous and block the event loop, so they are kept short: a busy database is
 * treated like one that is down (the write queue retries later) rather than stalling hook responses.
 */
const BUSY_TIMEOUT_MS = 100;

/** Rows deleted per statement by the retention purge. */
const PURGE_BATCH_SIZE = 5000;

/** The embedded backend: one SQLite file (or `:memory:`), no server and no setup. */
export class SqliteFeedbackStore implements FeedbackStore {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
  }

  async migrate(): Promise<number> {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    const isApplied = this.db.prepare<[number], { version: number }>(
      'SELECT version FROM schema_migrations WHERE version = ?',
    );
    let count = 0;
    for (const migration of migrations) {
      // Checked inside the write transaction: another process (`npm run migrate`, `npm run report`, a second
      // service) may have applied it since this one looked, and running it twice would fail on CREATE TABLE.
      const applied = this.db
        .transaction(() => {
          if (isApplied.get(migration.version)) return false;
          this.db.exec(migration.sqlite);
          this.db
            .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
            .run(migration.version, migration.name, Date.now());
          return true;
        })
        .immediate();
      if (applied) count++;
    }
    return count;
  }

  async insertCards(records: CardLogRecord[]): Promise<void> {
    const insert = this.db.prepare(insertOrIgnore('card_log', CARD_COLUMNS));
    this.db
      .transaction(() => {
        for (const r of records) insert.run(cardRow(r, epochMs));
      })
      .immediate();
  }

  async insertFeedback(records: FeedbackRecord[]): Promise<void> {
    const insert = this.db.prepare(insertOrIgnore('card_feedback', FEEDBACK_COLUMNS));
    this.db
      .transaction(() => {
        for (const r of records) insert.run(feedbackRow(r, epochMs));
      })
      .immediate();
  }

  async ping(): Promise<boolean> {
    try {
      // Taking the write lock (and releasing it at once) proves the file is writable now.
      this.db.exec('BEGIN IMMEDIATE; ROLLBACK');
      return true;
    } catch {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      return false;
    }
  }

  async analyticsFacts(window: TimeWindow): Promise<AnalyticsFacts> {
    const from = window.from.getTime();
    const to = window.to.getTime();
    const shown = this.db
      .prepare<[number, number], ShownCount>(
        `SELECT catalogue_id AS catalogueId, indicator, COUNT(*) AS shown FROM card_log
         WHERE shown_at >= ? AND shown_at < ? GROUP BY catalogue_id, indicator`,
      )
      .all(from, to);
    const feedback = this.db
      .prepare<[number, number], FeedbackFactRow<number>>(
        `SELECT c.catalogue_id, c.indicator, c.card_uuid, c.shown_at, f.outcome, f.override_reason_code,
                f.override_reason_system, f.override_reasons, f.outcome_at
         FROM card_feedback f JOIN card_log c ON c.card_uuid = f.card_uuid
         WHERE c.shown_at >= ? AND c.shown_at < ?`,
      )
      .all(from, to)
      .map((row) => toFeedbackFact(row, (ms) => new Date(ms)));
    const unattributed = this.db
      .prepare<[number, number], { n: number }>(
        `SELECT COUNT(*) AS n FROM card_feedback f
         WHERE f.received_at >= ? AND f.received_at < ?
           AND NOT EXISTS (SELECT 1 FROM card_log c WHERE c.card_uuid = f.card_uuid)`,
      )
      .get(from, to);
    return { shown, feedback, unattributedFeedback: unattributed?.n ?? 0 };
  }

  async purgeOlderThan(cutoff: Date, options: { batchSize?: number } = {}): Promise<PurgeResult> {
    const at = cutoff.getTime();
    const limit = options.batchSize ?? PURGE_BATCH_SIZE;
    const purge = async (table: 'card_log' | 'card_feedback', column: 'shown_at' | 'received_at') => {
      const remove = this.db.prepare(
        `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? LIMIT ?)`,
      );
      let total = 0;
      for (;;) {
        const { changes } = remove.run(at, limit);
        total += changes;
        if (changes < limit) return total;
        // Let hook calls run between batches: SQLite statements are synchronous.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const cards = await purge('card_log', 'shown_at');
    const feedback = await purge('card_feedback', 'received_at');
    return { cards, feedback };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** An INSERT that skips existing keys, which makes retries safe. */
function insertOrIgnore(table: 'card_log' | 'card_feedback', columns: readonly string[]): string {
  return `INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

/** SQLite keeps points in time as epoch milliseconds. */
function epochMs(at: Date): number {
  return at.getTime();
}
