import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisReplayStore } from '../../src/security/replay-store.js';
import {
  BASE_URL,
  bearer,
  buildAuthApp,
  DISCOVERY_PATH,
  EHR_ISS,
  issuersEnv,
  type AuthTestApp,
} from './support/auth-app.js';
import { jwksOf, makeKey, type TestKey } from './support/keys.js';
import { mint } from './support/mint.js';

/** With REDIS_URL, the jti replay cache is shared: a token accepted by one replica is refused by another. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.connect(Number(port || 6379), hostname);
  });
}

const reachable = await redisReachable(REDIS_URL);
if (!reachable) console.warn(`Redis replay-store tests SKIPPED: ${REDIS_URL} is unreachable`);

describe.skipIf(!reachable)('jti replay store in Redis', () => {
  let key: TestKey;
  let a: AuthTestApp;
  let b: AuthTestApp;

  beforeAll(async () => {
    key = await makeKey('ES384');
    const env = { CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key) }]), REDIS_URL };
    [a, b] = await Promise.all([buildAuthApp(env), buildAuthApp(env)]);
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
  });

  const token = () => mint(key, { iss: EHR_ISS, aud: BASE_URL + DISCOVERY_PATH });

  it('a token accepted by one instance is refused by the other as a replay', async () => {
    const t = await token();
    expect((await a.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(t) })).statusCode).toBe(
      200,
    );
    const res = await b.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(t) });
    expect(res.statusCode).toBe(401);
    expect(b.takeFailures()).toEqual(['jti-replayed']);
  });

  it('distinct tokens are accepted by both instances', async () => {
    expect(
      (await a.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(await token()) })).statusCode,
    ).toBe(200);
    expect(
      (await b.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(await token()) })).statusCode,
    ).toBe(200);
  });

  it('entries expire with the token (SET NX PX)', async () => {
    const store = new RedisReplayStore(REDIS_URL, `cds-hooks-test:${Date.now()}:`);
    try {
      expect(await store.claim('iss\njti-1', 200)).toBe(true);
      expect(await store.claim('iss\njti-1', 200)).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect(await store.claim('iss\njti-1', 200)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('fails closed when Redis is unreachable: 503, never accepted', async () => {
    const down = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key) }]),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    try {
      const res = await down.app.inject({
        method: 'GET',
        url: DISCOVERY_PATH,
        headers: bearer(await token()),
      });
      expect(res.statusCode).toBe(503);
      expect(down.takeFailures()).toEqual(['replay-store-unavailable']);
    } finally {
      await down.app.close();
    }
  });
});
