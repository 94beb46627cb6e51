import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { redisReachable, REDIS_URL } from './support/redis.js';

/** With REDIS_URL, the jti replay cache is shared: a token accepted by one replica is refused by another. */
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

  it('a request refused by the rate limit does not burn its token (issue 11 finding 4)', async () => {
    const limited = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key) }]),
      REDIS_URL,
      RATE_LIMIT_PER_MINUTE: '1',
    });
    try {
      const first = await token();
      expect(
        (await limited.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(first) })).statusCode,
      ).toBe(200);
      const refused = await token();
      expect(
        (await limited.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(refused) }))
          .statusCode,
      ).toBe(429);
      // The same token at another replica (shared Redis, no rate limit there): accepted once, then a replay.
      expect(
        (await a.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(refused) })).statusCode,
      ).toBe(200);
      expect(
        (await b.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(refused) })).statusCode,
      ).toBe(401);
    } finally {
      await limited.app.close();
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
