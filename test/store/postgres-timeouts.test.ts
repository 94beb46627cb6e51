import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresFeedbackStore } from '../../src/store/postgres-store.js';
import { findPostgres } from './support/backends.js';
import { cardRecord } from './support/records.js';

const url = await findPostgres();
if (!url) console.warn('[test/store] PostgreSQL is not reachable: skipping the PostgreSQL timeout tests');

/**
 * A statement stuck behind a lock is cancelled by the server (SQLSTATE 57014 / 55P03), not merely abandoned by the
 * client: otherwise it would keep running, and keep its place in the lock queue, after the write queue gave up.
 */
describe.skipIf(!url)('PostgreSQL store timeouts', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('has the server cancel a write that waits on a lock longer than the statement timeout', async () => {
    const schema = `store_timeout_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    cleanup.push(async () => {
      await admin.query('ROLLBACK').catch(() => undefined);
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });
    const store = new PostgresFeedbackStore({ connectionString: url!, schema, statementTimeoutMs: 300 });
    cleanup.push(() => store.close());
    await store.migrate();

    await admin.query('BEGIN');
    await admin.query(`LOCK TABLE "${schema}".card_log IN ACCESS EXCLUSIVE MODE`);
    const write = store.insertCards([cardRecord(new Date())]);
    const error = (await write.then(
      () => undefined,
      (err: unknown) => err,
    )) as { code?: string } | undefined;
    // 55P03 lock_not_available (lock_timeout) or 57014 query_canceled (statement_timeout): the server gave up.
    expect(['55P03', '57014']).toContain(error?.code);
    await admin.query('ROLLBACK');

    // The pool is usable again at once.
    expect(await store.ping()).toBe(true);
  });
});
