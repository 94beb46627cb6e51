import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientViewCall } from '../../scripts/runtime-check.js';
import { findPostgres } from '../store/support/backends.js';
import { REDIS_URL, redisReachable } from '../security/support/redis.js';
import { TcpProxy } from '../store/support/tcp-proxy.js';
import { BASE_URL, EHR_ISS, issuersEnv, SERVICE_PATH } from '../security/support/auth-app.js';
import { jwksOf, makeKey, type TestKey } from '../security/support/keys.js';
import { mint } from '../security/support/mint.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/**
 * Two replicas, one database (docs/operations.md, "Scale out"): real service processes against the machine's
 * PostgreSQL (a schema of this test's own) and Redis, as a Deployment with several replicas runs them.
 */
const ADMIN_TOKEN = 'two-replicas-admin-token-0123456789';
const postgresUrl = await findPostgres();
const redisUp = await redisReachable();
if (!postgresUrl || !redisUp) console.warn('[two replicas] PostgreSQL or Redis unreachable: skipped');

/** Polls until `probe` returns a value (bounded: a replica that never gets there fails the test, never hangs it). */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  limitMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(100);
  }
}

describe.skipIf(!postgresUrl || !redisUp)('two replicas, one database', () => {
  const schema = `two_replicas_${process.pid}_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let key: TestKey;
  let a: ServerProcess;
  let b: ServerProcess;
  /** A third replica whose own way to the database is cut (a TCP proxy that refuses connections). */
  let c: ServerProcess;
  let proxy: TcpProxy;
  const started: ServerProcess[] = [];
  let env: Record<string, string>;

  const token = (path = SERVICE_PATH) => mint(key, { iss: EHR_ISS, aud: BASE_URL + path });
  const hookCall = async (replica: ServerProcess, jwt?: string) => {
    const res = await request(replica.base)
      .post(SERVICE_PATH)
      .auth(jwt ?? (await token()), { type: 'bearer' })
      .send(patientViewCall());
    return { status: res.status, body: res.body as { cards?: { uuid: string }[] } };
  };
  const analytics = async (replica: ServerProcess) => {
    const res = await request(replica.base)
      .get('/analytics/cards')
      .query({ days: 1 })
      .auth(ADMIN_TOKEN, { type: 'bearer' });
    if (res.status !== 200) throw new Error(`analytics ${res.status}`);
    return (res.body as { groups: { shown: number; overridden: number }[] }).groups;
  };
  const shown = (groups: { shown: number }[]) => groups.reduce((n, g) => n + g.shown, 0);
  const status = async (replica: ServerProcess, path: string) =>
    (await request(replica.base).get(path)).status;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    key = await makeKey('ES384');
    env = {
      NODE_ENV: 'production',
      CDS_AUTH: 'required',
      PUBLIC_BASE_URL: BASE_URL,
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key) }]),
      DATABASE_URL: postgresUrl!,
      DATABASE_SCHEMA: schema,
      REDIS_URL,
      PATIENT_HASH_SECRET: 'two-replicas-hash-secret-0123456789abcdef',
      ANALYTICS_ADMIN_TOKEN: ADMIN_TOKEN,
      FEEDBACK_FLUSH_INTERVAL_MS: '50',
      LOG_LEVEL: 'warn',
    };
    const target = new URL(postgresUrl!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    await proxy.stop(); // the port is known and refuses connections: C's database is down
    const proxied = new URL(postgresUrl!);
    proxied.port = String(proxy.port);
    // All at once, on an empty schema: the migrations of A and B race.
    [a, b, c] = await Promise.all([
      startServerProcess(env),
      startServerProcess(env),
      startServerProcess({ ...env, DATABASE_URL: proxied.toString() }),
    ]);
    started.push(a, b, c);
  }, 120_000);

  afterAll(async () => {
    await proxy?.stop();
    for (const replica of started) replica.child.kill('SIGTERM');
    await Promise.all(started.map((r) => r.exited));
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  it('runs the migrations once although both replicas start together, and both become ready', async () => {
    for (const replica of [a, b])
      await eventually('ready', async () => ((await status(replica, '/readyz')) === 200 ? true : undefined));
    const { rows } = await admin.query<{ version: number; n: string }>(
      `SELECT version, count(*) AS n FROM "${schema}".schema_migrations GROUP BY version ORDER BY version`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.n === '1')).toBe(true);
    for (const replica of [a, b])
      expect(replica.logMessages()).not.toContain('feedback store migrations failed; will retry');
  });

  it('shows the same analytics on both replicas, whichever replica took the call or the feedback', async () => {
    const onA = await hookCall(a);
    const onB = await hookCall(b);
    expect([onA.status, onB.status]).toEqual([200, 200]);
    const cards = [...onA.body.cards!, ...onB.body.cards!];
    expect(cards.length).toBeGreaterThan(1);
    // Feedback for A's card through B, and for B's card through A.
    const feedback = async (replica: ServerProcess, card: { uuid: string }) =>
      request(replica.base)
        .post(`${SERVICE_PATH}/feedback`)
        .auth(await token(`${SERVICE_PATH}/feedback`), { type: 'bearer' })
        .send({
          feedback: [{ card: card.uuid, outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }],
        });
    expect((await feedback(b, onA.body.cards![0]!)).status).toBe(200);
    expect((await feedback(a, onB.body.cards![0]!)).status).toBe(200);

    const fromA = await eventually('all cards and feedback written', async () => {
      const groups = await analytics(a);
      const overridden = groups.reduce((n, g) => n + g.overridden, 0);
      return shown(groups) === cards.length && overridden === 2 ? groups : undefined;
    });
    expect(await analytics(b)).toEqual(fromA);
  });

  it('refuses on one replica a token already used on the other (shared replay cache in Redis)', async () => {
    const jwt = await token();
    expect((await hookCall(a, jwt)).status).toBe(200);
    expect((await hookCall(b, jwt)).status).toBe(401);
    // A fresh token is fine on either.
    expect((await hookCall(b)).status).toBe(200);
  });

  it('a replica whose database is down stays live, answers hooks, reports not ready, and recovers', async () => {
    const before = shown(await analytics(a));
    expect(await status(c, '/healthz')).toBe(200);
    const readiness = await request(c.base).get('/readyz');
    expect(readiness.status).toBe(503);
    expect(JSON.stringify(readiness.body)).toContain('store');
    const answered = await hookCall(c);
    expect(answered.status).toBe(200);
    expect(answered.body.cards!.length).toBeGreaterThan(0);

    await proxy.start();
    await eventually('ready again', async () => ((await status(c, '/readyz')) === 200 ? true : undefined));
    // The cards it showed while its database was down reach the shared store. They are looked up by uuid: the
    // other replicas' card totals may still grow meanwhile (their writes from earlier tests are asynchronous), so
    // comparing totals would race with them.
    const uuids = answered.body.cards!.map((card) => card.uuid);
    await eventually('queued cards written', async () => {
      const { rows } = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${schema}".card_log WHERE card_uuid = ANY($1::text[])`,
        [uuids],
      );
      return Number(rows[0]!.n) === uuids.length ? true : undefined;
    });
    expect(shown(await analytics(a))).toBeGreaterThanOrEqual(before + uuids.length);
  }, 60_000);
});
