import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteFeedbackStore } from '../../src/store/sqlite-store.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('SQLite migrations', () => {
  it('do not fail when another process applies the same migration first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cds-migrate-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'feedback.sqlite');
    const service = new SqliteFeedbackStore(path);
    const cli = new SqliteFeedbackStore(path); // e.g. `npm run migrate` while the service starts
    cleanup.push(
      () => service.close(),
      () => cli.close(),
    );

    // The other process migrates in the middle of this one's run: after this one has looked at the migrations
    // table, just before it opens its write transaction (the race window of a check-then-apply sequence).
    const db = (service as unknown as { db: Database.Database }).db;
    const transaction = db.transaction.bind(db);
    let raced = false;
    db.transaction = ((fn: Parameters<typeof db.transaction>[0]) => {
      if (!raced) {
        raced = true;
        void cli.migrate();
      }
      return transaction(fn);
    }) as typeof db.transaction;

    await expect(service.migrate()).resolves.toBeGreaterThanOrEqual(0);
    expect(raced).toBe(true);
    expect(await cli.migrate()).toBe(0);
    expect(await service.migrate()).toBe(0);
  });
});
