import { afterEach, describe, expect, it } from 'vitest';
import {
  BASE_URL,
  bearer,
  buildAuthApp,
  DISCOVERY_PATH,
  EHR_ISS,
  issuersEnv,
  type AuthTestApp,
} from './support/auth-app.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { jwksOf, makeKey } from './support/keys.js';
import { mint } from './support/mint.js';

/** JWKS handling against real local HTTP servers: caching, rotation, refetch cooldown, outages and limits. */
describe('issuer keys (JWKS)', () => {
  const open: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  async function setup(jwks: JwksServer, env: Record<string, string> = {}): Promise<AuthTestApp> {
    const t = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks_uri: jwks.url }]),
      ...env,
    });
    open.push(t.app);
    return t;
  }
  async function call(t: AuthTestApp, token: string) {
    t.takeFailures();
    const res = await t.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(token) });
    return { status: res.statusCode, failures: t.takeFailures() };
  }
  const tokenFor = (key: Awaited<ReturnType<typeof makeKey>>, header: Record<string, unknown> = {}) =>
    mint(key, { iss: EHR_ISS, aud: BASE_URL + DISCOVERY_PATH, header });

  it('fetches the JWKS once and caches it', async () => {
    const key = await makeKey('ES384');
    const jwks = await startJwksServer(jwksOf(key));
    open.push(jwks);
    const t = await setup(jwks);
    for (let i = 0; i < 3; i++) expect((await call(t, await tokenFor(key))).status).toBe(200);
    expect(jwks.hits).toBe(1);
  });

  it('accepts a jku header that names the configured JWKS URL', async () => {
    const key = await makeKey('RS384');
    const jwks = await startJwksServer(jwksOf(key));
    open.push(jwks);
    const t = await setup(jwks);
    expect((await call(t, await tokenFor(key, { jku: jwks.url }))).status).toBe(200);
  });

  it('picks up a rotated key (new kid) by refetching, at most once per cooldown', async () => {
    const oldKey = await makeKey('ES384');
    const newKey = await makeKey('ES384');
    const jwks = await startJwksServer(jwksOf(oldKey));
    open.push(jwks);
    const t = await setup(jwks, { JWKS_COOLDOWN_SECONDS: '1' });
    expect((await call(t, await tokenFor(oldKey))).status).toBe(200);
    expect(jwks.hits).toBe(1);

    jwks.setKeys(jwksOf(newKey));
    // Within the cooldown: no refetch, whatever the number of unknown kids (no amplification).
    for (let i = 0; i < 5; i++) {
      expect(await call(t, await tokenFor(newKey))).toEqual({ status: 401, failures: ['kid-unknown'] });
    }
    expect(jwks.hits).toBe(1);

    await new Promise((r) => setTimeout(r, 1100));
    expect((await call(t, await tokenFor(newKey))).status).toBe(200);
    expect(jwks.hits).toBe(2);
    // The new set is cached: no further fetch for the new kid.
    expect((await call(t, await tokenFor(newKey))).status).toBe(200);
    expect(jwks.hits).toBe(2);
  });

  it('refetches at most once per minute by default', async () => {
    const key = await makeKey('ES384');
    const jwks = await startJwksServer(jwksOf(key));
    open.push(jwks);
    const t = await setup(jwks);
    expect((await call(t, await tokenFor(key))).status).toBe(200);
    for (let i = 0; i < 5; i++) await call(t, await tokenFor(key, { kid: `random-${i}` }));
    expect(jwks.hits).toBe(1);
  });

  it('JWKS server down (connection refused): a quick, clear 401', async () => {
    const key = await makeKey('ES384');
    const jwks = await startJwksServer(jwksOf(key));
    const url = jwks.url;
    await jwks.close();
    const t = await buildAuthApp({ CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks_uri: url }]) });
    open.push(t.app);
    const started = Date.now();
    expect(await call(t, await tokenFor(key))).toEqual({ status: 401, failures: ['jwks-unavailable'] });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('JWKS server that never answers: 401 after JWKS_TIMEOUT_MS, no hang', async () => {
    const key = await makeKey('ES384');
    const jwks = await startJwksServer(jwksOf(key));
    open.push(jwks);
    jwks.setMode('hang');
    const t = await setup(jwks, { JWKS_TIMEOUT_MS: '300' });
    const started = Date.now();
    expect(await call(t, await tokenFor(key))).toEqual({ status: 401, failures: ['jwks-unavailable'] });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    // Functional check that the timeout (300 ms) cut the wait short, with a wide margin.
    expect(elapsed).toBeLessThan(3000);
    // Right after a failure, calls fail fast instead of each waiting for another timeout.
    // (no second fetch: the hit count proves the call did not wait for the hanging server again)
    expect((await call(t, await tokenFor(key))).failures).toEqual(['jwks-unavailable']);
    expect(jwks.hits).toBe(1);
  });

  it('JWKS server answering 503: 401 jwks-unavailable; recovers after it comes back', async () => {
    const key = await makeKey('ES384');
    const jwks = await startJwksServer(jwksOf(key));
    open.push(jwks);
    jwks.setMode('error');
    const t = await setup(jwks, { JWKS_COOLDOWN_SECONDS: '0' });
    expect((await call(t, await tokenFor(key))).failures).toEqual(['jwks-unavailable']);
    jwks.setMode('ok');
    expect((await call(t, await tokenFor(key))).status).toBe(200);
  });

  it('a JWKS larger than JWKS_MAX_BYTES is refused', async () => {
    const key = await makeKey('ES384');
    const jwks = await startJwksServer(jwksOf(key));
    open.push(jwks);
    jwks.setMode('huge');
    const t = await setup(jwks, { JWKS_MAX_BYTES: '65536' });
    expect(await call(t, await tokenFor(key))).toEqual({ status: 401, failures: ['jwks-unavailable'] });
  });

  it('a JWKS entry with a private key or an oct secret is never used', async () => {
    const key = await makeKey('ES384');
    const jwks = await startJwksServer({
      keys: [
        { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0', alg: 'HS256' },
        { ...key.publicJwk, d: 'not-a-real-private-part' },
      ],
    });
    open.push(jwks);
    const t = await setup(jwks);
    expect(await call(t, await tokenFor(key))).toEqual({ status: 401, failures: ['kid-unknown'] });
  });

  it('an issuer with inline keys never fetches anything', async () => {
    const key = await makeKey('RS384');
    const t = await buildAuthApp({ CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key) }]) });
    open.push(t.app);
    expect((await call(t, await tokenFor(key))).status).toBe(200);
  });

  it('per-issuer algorithms override the global list', async () => {
    const es = await makeKey('ES384');
    const rs = await makeKey('RS384');
    const t = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(es, rs), algorithms: ['RS384'] }]),
    });
    open.push(t.app);
    expect((await call(t, await tokenFor(rs))).status).toBe(200);
    expect(await call(t, await tokenFor(es))).toEqual({ status: 401, failures: ['alg-not-allowed'] });
  });

  it('JWT_ALGORITHMS adds algorithms beyond ES384/RS384', async () => {
    const key = await makeKey('ES256');
    const t = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key) }]),
      JWT_ALGORITHMS: 'ES256',
    });
    open.push(t.app);
    expect((await call(t, await tokenFor(key))).status).toBe(200);
  });

  it('tenants: the tenant claim must be on the issuer list when one is configured', async () => {
    const key = await makeKey('ES384');
    const t = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key), tenants: ['org-1'] }]),
    });
    open.push(t.app);
    const aud = BASE_URL + DISCOVERY_PATH;
    expect((await call(t, await mint(key, { iss: EHR_ISS, aud, claims: { tenant: 'org-1' } }))).status).toBe(
      200,
    );
    expect(
      (await call(t, await mint(key, { iss: EHR_ISS, aud, claims: { tenant: 'org-2' } }))).failures,
    ).toEqual(['tenant-untrusted']);
    expect((await call(t, await mint(key, { iss: EHR_ISS, aud }))).failures).toEqual(['tenant-untrusted']);
  });
});
