import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/** Raw rows straight from the database, to check what is (and is not) stored. */
export type RawRow = Record<string, unknown>;

/** A way to make the database unreachable (or unwritable) for a while, and to bring it back. */
export interface Outage {
  env: Record<string, string>;
  takeDown(): Promise<void>;
  bringBack(): Promise<void>;
  dispose(): Promise<void>;
}

/** One backend under test; each `fresh()` is an empty, isolated database. */
export interface BackendUnderTest {
  name: 'sqlite' | 'postgres';
  fresh(): Promise<TestDatabase>;
}

export interface TestDatabase {
  /** Environment that points the app (or the CLI) at this database. */
  env: Record<string, string>;
  rows(table: 'card_log' | 'card_feedback'): Promise<RawRow[]>;
  /** An outage for this database: the env to build the app with, and the switch. */
  outage(): Promise<Outage>;
  dispose(): Promise<void>;
}

const PG_CANDIDATE_URLS = [
  process.env.TEST_DATABASE_URL,
  'postgres://postgres@127.0.0.1:5432/test',
  'postgres://root@127.0.0.1:5432/test',
].filter((u): u is string => typeof u === 'string' && u.length > 0);

/** The first PostgreSQL URL that accepts a connection, or undefined when no server is reachable. */
export async function findPostgres(): Promise<string | undefined> {
  for (const url of PG_CANDIDATE_URLS) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return url;
    } catch {
      // try the next candidate
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return undefined;
}

export const sqliteBackend: BackendUnderTest = {
  name: 'sqlite',
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'cds-store-test-'));
    const path = join(dir, 'feedback.sqlite');
    const rows = async (table: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare(`SELECT * FROM ${table}`).all() as RawRow[];
      } finally {
        db.close();
      }
    };
    return {
      env: { FEEDBACK_SQLITE_PATH: path },
      rows,
      async outage() {
        // Another process holding the write lock: every write fails until it lets go.
        let locker: Database.Database | undefined;
        return {
          env: {},
          async takeDown() {
            locker = new Database(path);
            locker.exec('BEGIN EXCLUSIVE');
          },
          async bringBack() {
            locker?.exec('ROLLBACK');
            locker?.close();
            locker = undefined;
          },
          async dispose() {
            if (locker?.open) locker.close();
          },
        };
      },
      async dispose() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export function postgresBackend(url: string): BackendUnderTest {
  return {
    name: 'postgres',
    async fresh() {
      // A schema of its own per database, so parallel test runs (and files) never see each other's rows.
      const schema = `store_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const rows = async (table: string) =>
        (await admin.query(`SELECT * FROM "${schema}".${table}`)).rows as RawRow[];
      return {
        env: { DATABASE_URL: url, DATABASE_SCHEMA: schema },
        rows,
        async outage() {
          const { TcpProxy } = await import('./tcp-proxy.js');
          const target = new URL(url);
          const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
          await proxy.start();
          const proxied = new URL(url);
          proxied.port = String(proxy.port);
          return {
            env: { DATABASE_URL: proxied.toString() },
            takeDown: () => proxy.stop(),
            bringBack: () => proxy.start(),
            dispose: () => proxy.stop(),
          };
        },
        async dispose() {
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await admin.end();
        },
      };
    },
  };
}
