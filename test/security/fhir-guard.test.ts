import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, testConfig } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { fullPrefetch, patientViewRequest } from '../support/requests.js';
import { BASE_URL, bearer, buildAuthApp, EHR_ISS, issuersEnv, SERVICE_PATH } from './support/auth-app.js';
import { jwksOf, makeKey, type TestKey } from './support/keys.js';
import { mint } from './support/mint.js';

/**
 * The outbound fhirServer policy (SSRF and token-leak guards), end to end: a hook call whose prefetch lacks
 * `conditions` makes the service fetch it from the request's fhirServer — or refuse to.
 */
const FHIR_TOKEN = 'fhir-access-token-for-the-named-server-only';
const PRODUCTION = { NODE_ENV: 'production', PATIENT_HASH_SECRET: 'x'.repeat(40), CDS_AUTH: 'off' };

function hookCall(fhirServer: string) {
  const prefetch = fullPrefetch('p1');
  delete prefetch.conditions;
  return patientViewRequest({
    prefetch,
    fhirServer,
    fhirAuthorization: {
      access_token: FHIR_TOKEN,
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patient/*.read',
      subject: 'cds',
    },
  });
}

describe('fhirServer guard', () => {
  let fhir: FhirStandIn;
  let other: FhirStandIn;
  let key: TestKey;
  const apps: FastifyInstance[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    [fhir, other, key] = await Promise.all([startFhirStandIn(), startFhirStandIn(), makeKey('ES384')]);
  });
  afterAll(async () => {
    await fhir.close();
    await other.close();
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    fhir.seen.length = 0;
    other.seen.length = 0;
    fhir.redirects.clear();
    logs.length = 0;
  });

  /** Authentication on, one issuer whose FHIR base is the stand-in. */
  async function authApp(env: Record<string, string> = {}) {
    const t = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key), fhirServers: [fhir.base] }]),
      FHIR_ALLOW_PRIVATE_NETWORK: 'true',
      ...env,
    });
    apps.push(t.app);
    return t;
  }
  async function openApp(env: Record<string, string>) {
    const app = await buildTestApp({
      env: { LOG_LEVEL: 'info', FHIR_ALLOW_PRIVATE_NETWORK: 'false', ...env },
      logStream: { write: (l) => void logs.push(l) },
    });
    apps.push(app);
    return app;
  }
  async function callWithToken(app: FastifyInstance, fhirServer: string) {
    const token = await mint(key, { iss: EHR_ISS, aud: BASE_URL + SERVICE_PATH });
    const res = await app.inject({
      method: 'POST',
      url: SERVICE_PATH,
      headers: bearer(token),
      payload: hookCall(fhirServer),
    });
    return { res, token };
  }
  const callOpen = (app: FastifyInstance, fhirServer: string) =>
    app.inject({ method: 'POST', url: SERVICE_PATH, payload: hookCall(fhirServer) });
  const refusals = () =>
    logs
      .map((l) => JSON.parse(l) as { fhirServerRefused?: string })
      .flatMap((l) => (l.fhirServerRefused ? [l.fhirServerRefused] : []));

  it("fetches from the issuer's FHIR base; the access token goes there and the EHR JWT goes nowhere", async () => {
    const t = await authApp();
    const { res, token } = await callWithToken(t.app, fhir.base);
    expect(res.statusCode).toBe(200);
    expect(fhir.seen.length).toBeGreaterThan(0);
    for (const r of fhir.seen) expect(r.authorization).toBe(`Bearer ${FHIR_TOKEN}`);
    expect(JSON.stringify(fhir.seen)).not.toContain(token);
    expect(other.seen).toEqual([]);
  });

  it("refuses a fhirServer that is not one of the issuer's FHIR bases (403, nothing fetched)", async () => {
    const t = await authApp();
    const { res } = await callWithToken(t.app, other.base);
    expect(res.statusCode).toBe(403);
    expect(res.json().message).not.toContain(other.base);
    expect(other.seen).toEqual([]);
  });

  it('refuses a path outside the issuer base on the same host', async () => {
    const t = await authApp();
    const { res } = await callWithToken(t.app, fhir.base.replace(/\/fhir$/, '/admin'));
    expect(res.statusCode).toBe(403);
    expect(fhir.seen).toEqual([]);
  });

  it('does not follow a redirect to another host, nor send the token there', async () => {
    const t = await authApp();
    fhir.redirects.set('Condition', `${other.base}/Condition?patient=p1`);
    const { res } = await callWithToken(t.app, fhir.base);
    expect(res.statusCode).toBe(412);
    expect(JSON.stringify(res.json())).toContain('forbidden-url');
    expect(other.seen).toEqual([]);
  });

  it('refuses a loopback/private IP unless FHIR_ALLOW_PRIVATE_NETWORK=true', async () => {
    const app = await openApp({});
    expect((await callOpen(app, fhir.base)).statusCode).toBe(403);
    expect((await callOpen(app, 'http://10.0.0.7/fhir')).statusCode).toBe(403);
    expect((await callOpen(app, 'http://[::ffff:192.168.1.1]/fhir')).statusCode).toBe(403);
    expect(fhir.seen).toEqual([]);
    expect(refusals()).toEqual(['address-private', 'address-private', 'address-private']);
  });

  it('always refuses link-local and metadata addresses, even with private networks allowed', async () => {
    const app = await openApp({ FHIR_ALLOW_PRIVATE_NETWORK: 'true' });
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:169.254.169.254]/fhir',
      'http://[fe80::1]/fhir',
      'http://0.0.0.0:8080/fhir',
      'http://100.100.100.200/fhir',
    ]) {
      expect((await callOpen(app, url)).statusCode).toBe(403);
    }
    expect(refusals()).toEqual(Array(5).fill('address-forbidden'));
  });

  it('checks DNS answers at connect time: a name resolving to loopback is refused, nothing is sent', async () => {
    const app = await openApp({});
    const byName = fhir.base.replace('127.0.0.1', 'localhost');
    const res = await callOpen(app, byName);
    expect(res.statusCode).toBe(412);
    expect(fhir.seen).toEqual([]);
    expect(refusals()).toContain('dns-loopback');
  });

  it('refuses credentials embedded in the fhirServer URL (request validation or the guard)', async () => {
    const app = await openApp({ FHIR_ALLOW_PRIVATE_NETWORK: 'true' });
    const res = await callOpen(app, fhir.base.replace('http://', 'http://user:pw@'));
    expect([400, 403]).toContain(res.statusCode);
    expect(fhir.seen).toEqual([]);
  });

  it('requires https in production', async () => {
    const app = await openApp({ ...PRODUCTION, FHIR_ALLOW_PRIVATE_NETWORK: 'true' });
    expect((await callOpen(app, fhir.base)).statusCode).toBe(403);
    expect((await callOpen(app, 'http://fhir.example.org/fhir')).statusCode).toBe(403);
    expect(refusals()).toEqual(['https-required', 'https-required']);
    expect(fhir.seen).toEqual([]);
  });

  it('production: plain http to loopback only with FHIR_ALLOW_HTTP_LOOPBACK=true', async () => {
    const app = await openApp({ ...PRODUCTION, FHIR_ALLOW_HTTP_LOOPBACK: 'true' });
    expect((await callOpen(app, fhir.base)).statusCode).toBe(200);
    expect((await callOpen(app, 'http://10.0.0.7/fhir')).statusCode).toBe(403);
  });

  it('production: plain http to an allow-listed server only with FHIR_ALLOW_HTTP_ALLOWLISTED=true', async () => {
    const listed = { ...PRODUCTION, FHIR_ALLOW_PRIVATE_NETWORK: 'true', FHIR_SERVER_ALLOWLIST: fhir.base };
    expect((await callOpen(await openApp(listed), fhir.base)).statusCode).toBe(403);
    const app = await openApp({ ...listed, FHIR_ALLOW_HTTP_ALLOWLISTED: 'true' });
    expect((await callOpen(app, fhir.base)).statusCode).toBe(200);
    // Still https for anything not on the list.
    expect((await callOpen(app, 'http://fhir.example.org/fhir')).statusCode).toBe(403);
    expect(refusals()).toEqual(['https-required', 'https-required']);
  });

  it('FHIR_ALLOW_HTTP_ALLOWLISTED without an allow-list stops start-up', () => {
    expect(() => testConfig({ FHIR_ALLOW_HTTP_ALLOWLISTED: 'true' })).toThrow(/FHIR_ALLOW_HTTP_ALLOWLISTED/);
  });

  it('applies FHIR_SERVER_ALLOWLIST in every mode (origin or base entries)', async () => {
    const denied = await openApp({
      FHIR_ALLOW_PRIVATE_NETWORK: 'true',
      FHIR_SERVER_ALLOWLIST: 'https://fhir.allowed.example',
    });
    expect((await callOpen(denied, fhir.base)).statusCode).toBe(403);
    expect(refusals()).toEqual(['not-on-allowlist']);
    expect(fhir.seen).toEqual([]);

    const byOrigin = await openApp({
      FHIR_ALLOW_PRIVATE_NETWORK: 'true',
      FHIR_SERVER_ALLOWLIST: new URL(fhir.base).origin,
    });
    expect((await callOpen(byOrigin, fhir.base)).statusCode).toBe(200);
    const byBase = await openApp({
      FHIR_ALLOW_PRIVATE_NETWORK: 'true',
      FHIR_SERVER_ALLOWLIST: `https://x.example,${fhir.base}/`,
    });
    expect((await callOpen(byBase, fhir.base)).statusCode).toBe(200);
  });
});
