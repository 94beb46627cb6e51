import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/build-app.js';
import { patientViewRequest } from '../support/requests.js';
import {
  BASE_URL,
  bearer,
  buildAuthApp,
  DISCOVERY_PATH,
  EHR_ISS,
  FEEDBACK_PATH,
  issuersEnv,
  SERVICE_PATH,
  STATIC_KEY_ISSUERS_ENV,
  type AuthTestApp,
} from './support/auth-app.js';
import { jwksOf, makeKey, type TestKey } from './support/keys.js';
import { mint } from './support/mint.js';

/** CDS_AUTH=required with one trusted issuer protects every CDS endpoint, and nothing else breaks. */
describe('request security with CDS_AUTH=required', () => {
  let key: TestKey;
  let t: AuthTestApp;

  beforeAll(async () => {
    key = await makeKey('ES384');
    t = await buildAuthApp({ CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key) }]) });
  });
  afterAll(async () => t.app.close());

  const endpoints = [
    { method: 'GET' as const, url: DISCOVERY_PATH },
    { method: 'POST' as const, url: SERVICE_PATH, payload: patientViewRequest() },
    { method: 'POST' as const, url: FEEDBACK_PATH, payload: { feedback: [] } },
  ];

  it.each(endpoints)('$method $url needs a token', async (endpoint) => {
    const res = await t.app.inject({ ...endpoint, headers: { origin: 'https://sandbox.cds-hooks.org' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    // The browser must see the 401 (CORS headers on errors too).
    expect(res.headers['access-control-allow-origin']).toBeDefined();
  });

  it('401 bodies are identical whatever the reason (no detail for an attacker)', async () => {
    const aud = BASE_URL + DISCOVERY_PATH;
    const bodies = await Promise.all(
      [
        {},
        bearer('garbage'),
        bearer(await mint(key, { iss: 'https://evil.example', aud })),
        bearer(await mint(key, { iss: EHR_ISS, aud: 'https://x.example' })),
        bearer(await mint(key, { iss: EHR_ISS, aud, iatOffset: -4000 })),
      ].map(async (headers) => (await t.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers })).body),
    );
    expect(new Set(bodies).size).toBe(1);
    const body = JSON.parse(bodies[0]!) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
    expect(bodies[0]).not.toMatch(/\b(aud|iss|expired|kid|jwks|jti|signature|replay)\b/i);
  });

  it.each(endpoints)('CORS preflight for $method $url needs no token', async ({ method, url }) => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin: 'https://sandbox.cds-hooks.org',
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.statusCode).toBeLessThan(300);
    expect(String(res.headers['access-control-allow-headers'])).toMatch(/authorization/i);
  });

  it('health and readiness need no token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('a valid call gets security headers that do not break CDS clients', async () => {
    const token = await mint(key, { iss: EHR_ISS, aud: BASE_URL + DISCOVERY_PATH });
    const res = await t.app.inject({
      method: 'GET',
      url: DISCOVERY_PATH,
      headers: { ...bearer(token), origin: 'https://sandbox.cds-hooks.org' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['cross-origin-embedder-policy']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeDefined();
  });

  it('never writes a token to the log (valid, refused, or replayed)', async () => {
    const aud = BASE_URL + DISCOVERY_PATH;
    const good = await mint(key, { iss: EHR_ISS, aud });
    const wrongAud = await mint(key, { iss: EHR_ISS, aud: 'https://x.example' });
    const before = t.logs.length;
    for (const token of [good, good, wrongAud, 'not.a.jwt']) {
      await t.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(token) });
    }
    const written = t.logs.slice(before).join('\n');
    expect(written).toContain('authentication failed');
    for (const token of [good, wrongAud]) {
      for (const part of token.split('.')) expect(written).not.toContain(part);
    }
  });
});

describe('CDS_AUTH=off', () => {
  it('logs a clear warning at start-up and lets calls through without a token', async () => {
    const logs: string[] = [];
    const app = await buildTestApp({
      env: { LOG_LEVEL: 'warn' },
      logStream: { write: (l) => void logs.push(l) },
    });
    try {
      expect(logs.some((l) => l.includes('CDS_AUTH=off') && JSON.parse(l).level === 40)).toBe(true);
      expect((await app.inject({ method: 'GET', url: DISCOVERY_PATH })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('rate limit per issuer and tenant (RATE_LIMIT_PER_MINUTE)', () => {
  const callWith = (t: AuthTestApp, key: TestKey, tenant?: string) => async () =>
    await t.app.inject({
      method: 'GET',
      url: DISCOVERY_PATH,
      headers: bearer(
        await mint(key, {
          iss: EHR_ISS,
          aud: BASE_URL + DISCOVERY_PATH,
          ...(tenant ? { claims: { tenant } } : {}),
        }),
      ),
    });

  it('limits one listed tenant without affecting another, and never limits health checks', async () => {
    const key = await makeKey('ES384');
    const t = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key), tenants: ['a', 'b'] }]),
      RATE_LIMIT_PER_MINUTE: '2',
    });
    try {
      const a = callWith(t, key, 'a');
      expect((await a()).statusCode).toBe(200);
      expect((await a()).statusCode).toBe(200);
      const limited = await a();
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
      expect(limited.json()).toMatchObject({ statusCode: 429 });
      expect((await callWith(t, key, 'b')()).statusCode).toBe(200);
      // A tenant the issuer does not list is refused, not given a bucket of its own.
      expect((await callWith(t, key, 'c')()).statusCode).toBe(401);
      expect(t.takeFailures()).toEqual(['tenant-untrusted']);
      for (let i = 0; i < 5; i++)
        expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await t.app.close();
    }
  });

  it('an issuer without a tenant list has one budget: a fresh tenant claim is no fresh bucket (issue 11 finding 4)', async () => {
    const key = await makeKey('ES384');
    const t = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks: jwksOf(key) }]),
      RATE_LIMIT_PER_MINUTE: '2',
    });
    try {
      expect((await callWith(t, key, 'x1')()).statusCode).toBe(200);
      expect((await callWith(t, key, 'x2')()).statusCode).toBe(200);
      expect((await callWith(t, key, 'x3')()).statusCode).toBe(429);
      expect((await callWith(t, key)()).statusCode).toBe(429);
    } finally {
      await t.app.close();
    }
  });
});

describe('jti cache quotas (JTI_CACHE_MAX_ENTRIES, issue 11 finding 3)', () => {
  it("one issuer's flood of valid tokens fills only its share: another issuer and readiness are unaffected", async () => {
    const [keyA, keyB] = await Promise.all([makeKey('ES384'), makeKey('ES384')]);
    const ISS_B = 'https://other-ehr.example.test';
    const t = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([
        { iss: EHR_ISS, jwks: jwksOf(keyA) },
        { iss: ISS_B, jwks: jwksOf(keyB) },
      ]),
      // 100 in all: 50 live tokens per issuer.
      JTI_CACHE_MAX_ENTRIES: '100',
    });
    const call = async (key: TestKey, iss: string) =>
      await t.app.inject({
        method: 'GET',
        url: DISCOVERY_PATH,
        headers: bearer(await mint(key, { iss, aud: BASE_URL + DISCOVERY_PATH })),
      });
    try {
      for (let i = 0; i < 50; i++) expect((await call(keyA, EHR_ISS)).statusCode).toBe(200);
      const over = await call(keyA, EHR_ISS);
      expect(over.statusCode).toBe(429);
      expect(over.headers['retry-after']).toBeDefined();
      expect(t.takeFailures().at(-1)).toBe('jti-quota-exceeded');
      expect((await call(keyB, ISS_B)).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await t.app.close();
    }
  });
});

describe('start-up warnings for endpoints that CDS_AUTH does not cover', () => {
  const warningsOf = async (env: Record<string, string>) => {
    const logs: string[] = [];
    const app = await buildTestApp({
      env: { LOG_LEVEL: 'warn', ...env },
      logStream: { write: (l) => void logs.push(l) },
    });
    await app.close();
    return logs.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
  };
  const productionEnv = {
    NODE_ENV: 'production',
    PATIENT_HASH_SECRET: 'x'.repeat(40),
    PUBLIC_BASE_URL: BASE_URL,
    CDS_TRUSTED_ISSUERS: STATIC_KEY_ISSUERS_ENV,
  };

  it('production with /metrics open (no METRICS_TOKEN) warns; with a token it does not', async () => {
    expect((await warningsOf(productionEnv)).some((l) => l.msg.includes('METRICS_TOKEN is not set'))).toBe(
      true,
    );
    const withToken = await warningsOf({ ...productionEnv, METRICS_TOKEN: 'a-long-enough-metrics-token' });
    expect(withToken.some((l) => l.msg.includes('METRICS_TOKEN'))).toBe(false);
  });

  it('the preview page with CDS_AUTH=required warns that its calls will be refused', async () => {
    const warnings = await warningsOf({
      ...productionEnv,
      NODE_ENV: 'test',
      CDS_AUTH: 'required',
      PREVIEW_ENABLED: 'true',
    });
    expect(warnings.some((l) => l.msg.includes('PREVIEW_ENABLED with CDS_AUTH=required'))).toBe(true);
  });
});
