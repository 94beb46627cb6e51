import type pg from 'pg';
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
  TimeWindow,
} from './types.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema holding the tables; created if missing. Validated as a plain identifier by the configuration. */
  schema: string;
  /** Reported (never thrown) errors of idle pooled connections, e.g. the server restarting. */
  onIdleError?: (err: Error) => void;
  /** Server-side limit on one statement (default 10 s); also the client's wait for an answer, plus a margin. */
  statementTimeoutMs?: number;
}

/** The server backend for production and several replicas: PostgreSQL through a small `pg` pool. */
export class PostgresFeedbackStore implements FeedbackStore {
  readonly backend = 'postgres' as const;
  /** `pg` is loaded on first construction only (await import): a service without DATABASE_URL never loads it. */
  private readonly poolReady: Promise<pg.Pool>;
  private readonly schema: string;

  constructor(options: PostgresStoreOptions) {
    this.schema = `"${options.schema}"`;
    const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
    this.poolReady = import('pg').then(({ default: pgModule }) => {
      const pool = new pgModule.Pool({
        connectionString: options.connectionString,
        // One writer (the queue) plus the odd analytics or readiness query: a few connections per replica.
        max: 4,
        // A database that does not answer must fail the batch quickly so the queue can retry, not hang it.
        connectionTimeoutMillis: 3000,
        // The server cancels a statement that runs (or waits for a lock) too long: a client-side timeout alone
        // would leave it running and holding its locks after the client gave up. The client waits a little longer.
        statement_timeout: statementTimeoutMs,
        lock_timeout: statementTimeoutMs,
        query_timeout: statementTimeoutMs + 2_000,
        idleTimeoutMillis: 30_000,
        // Dead connections (a restarted server, a dropped NAT entry) are noticed instead of hanging a batch.
        keepAlive: true,
        application_name: 'dmab-cds-hooks',
      });
      pool.on('error', (err) => options.onIdleError?.(err));
      return pool;
    });
    // A failed import is reported by the first query, not as an unhandled rejection.
    this.poolReady.catch(() => undefined);
  }

  private table(name: 'card_log' | 'card_feedback' | 'schema_migrations'): string {
    return `${this.schema}.${name}`;
  }

  async migrate(): Promise<number> {
    const client = await (await this.poolReady).connect();
    try {
      await client.query('BEGIN');
      // Replicas starting together take turns; the lock is released with the transaction.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `cds-feedback-migrations:${this.schema}`,
      ]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.table('schema_migrations')} (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ version: number }>(
        `SELECT version FROM ${this.table('schema_migrations')}`,
      );
      const applied = new Set(rows.map((r) => r.version));
      let count = 0;
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.postgres.replaceAll('{schema}', this.schema));
        await client.query(`INSERT INTO ${this.table('schema_migrations')} (version, name) VALUES ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
        count++;
      }
      await client.query('COMMIT');
      return count;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async insertCards(records: CardLogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map((r) => cardRow(r, sameDate));
    await this.insertRows(this.table('card_log'), CARD_COLUMNS, rows, '(card_uuid)');
  }

  async insertFeedback(records: FeedbackRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map((r) => feedbackRow(r, sameDate));
    await this.insertRows(this.table('card_feedback'), FEEDBACK_COLUMNS, rows, '(card_uuid, outcome)');
  }

  /** One multi-row INSERT (a single statement is atomic); existing keys are skipped, which makes retries safe. */
  private async insertRows(
    table: string,
    columns: readonly string[],
    rows: unknown[][],
    conflictKey: string,
  ): Promise<void> {
    const values: unknown[] = [];
    const tuples = rows.map((row) => {
      const placeholders = row.map((value) => {
        values.push(value);
        return `$${values.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await (
      await this.poolReady
    ).query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT ${conflictKey} DO NOTHING`,
      values,
    );
  }

  async ping(): Promise<boolean> {
    try {
      await (await this.poolReady).query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async analyticsFacts(window: TimeWindow): Promise<AnalyticsFacts> {
    const params = [window.from, window.to];
    const pool = await this.poolReady;
    const [shown, feedback, unattributed] = await Promise.all([
      pool.query<{ catalogue_id: string | null; indicator: string; shown: string }>(
        `SELECT catalogue_id, indicator, COUNT(*) AS shown FROM ${this.table('card_log')}
         WHERE shown_at >= $1 AND shown_at < $2 GROUP BY catalogue_id, indicator`,
        params,
      ),
      pool.query<FeedbackFactRow<Date>>(
        `SELECT c.catalogue_id, c.indicator, c.card_uuid, c.shown_at, f.outcome, f.override_reason_code,
                f.override_reason_system, f.override_reasons, f.outcome_at
         FROM ${this.table('card_feedback')} f JOIN ${this.table('card_log')} c ON c.card_uuid = f.card_uuid
         WHERE c.shown_at >= $1 AND c.shown_at < $2`,
        params,
      ),
      pool.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM ${this.table('card_feedback')} f
         WHERE f.received_at >= $1 AND f.received_at < $2
           AND NOT EXISTS (SELECT 1 FROM ${this.table('card_log')} c WHERE c.card_uuid = f.card_uuid)`,
        params,
      ),
    ]);
    return {
      shown: shown.rows.map((r) => ({
        catalogueId: r.catalogue_id,
        indicator: r.indicator,
        shown: Number(r.shown),
      })),
      feedback: feedback.rows.map((row) => toFeedbackFact(row, sameDate)),
      unattributedFeedback: Number(unattributed.rows[0]?.n ?? 0),
    };
  }

  async purgeOlderThan(cutoff: Date, options: { batchSize?: number } = {}): Promise<PurgeResult> {
    const limit = options.batchSize ?? 5000;
    const purge = async (table: 'card_log' | 'card_feedback', column: 'shown_at' | 'received_at') => {
      let total = 0;
      for (;;) {
        // Each batch is one short statement (its own transaction), well within the statement timeout.
        const result = await (
          await this.poolReady
        ).query(
          `DELETE FROM ${this.table(table)} WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM ${this.table(table)} WHERE ${column} < $1 LIMIT $2))`,
          [cutoff, limit],
        );
        const changes = result.rowCount ?? 0;
        total += changes;
        if (changes < limit) return total;
      }
    };
    const cards = await purge('card_log', 'shown_at');
    const feedback = await purge('card_feedback', 'received_at');
    return { cards, feedback };
  }

  async close(): Promise<void> {
    const pool = await this.poolReady;
    if (pool.ended) return;
    await pool.end();
  }
}

/** `pg` reads and writes timestamptz columns as `Date`, so no conversion is needed either way. */
function sameDate(at: Date): Date {
  return at;
}
