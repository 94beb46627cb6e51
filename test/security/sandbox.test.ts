import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { importJWK, SignJWT, type JWK } from 'jose';
import { loadConfig } from '../../src/config/index.js';
import { bearer, buildAuthApp, issuersEnv, type AuthTestApp } from './support/auth-app.js';

/**
 * The CDS Hooks sandbox preset. Tokens are minted exactly as the sandbox does (jwt-generator.js): its published
 * key pair (test/fixtures/sandbox, private half included), header {alg ES384, typ JWT, kid, jku}, payload
 * {iss, aud, exp = iat + 300, iat, jti}, aud = the exact URL typed into the sandbox.
 */
const keypair = JSON.parse(
  readFileSync(new URL('../fixtures/sandbox/jwk-keypair.json', import.meta.url), 'utf8'),
) as {
  keys: (JWK & { kid: string })[];
};
const sandboxJwk = keypair.keys[0]!;
const sandboxJwks = JSON.parse(
  readFileSync(new URL('../fixtures/sandbox/jwks.json', import.meta.url), 'utf8'),
) as unknown;
const LOCAL_BASE = 'http://127.0.0.1:3001';

async function sandboxToken(aud: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: 'https://sandbox.cds-hooks.org', aud, exp: iat + 300, iat, jti: randomUUID() })
    .setProtectedHeader({
      alg: 'ES384',
      typ: 'JWT',
      kid: sandboxJwk.kid,
      jku: 'https://sandbox.cds-hooks.org/.well-known/jwks.json',
    })
    .sign(await importJWK(sandboxJwk, 'ES384'));
}

describe('CDS Hooks sandbox preset (CDS_TRUST_SANDBOX)', () => {
  const apps: AuthTestApp[] = [];
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.app.close();
  });
  async function app(env: Record<string, string>) {
    const t = await buildAuthApp({ PUBLIC_BASE_URL: LOCAL_BASE, ...env });
    apps.push(t);
    return t;
  }

  it('accepts a sandbox-minted token with the preset, from the static key (the jku is not fetched)', async () => {
    const t = await app({ CDS_TRUST_SANDBOX: 'true' });
    const res = await t.app.inject({
      method: 'GET',
      url: '/cds-services',
      headers: bearer(await sandboxToken(`${LOCAL_BASE}/cds-services`)),
    });
    expect(t.failures).toEqual([]);
    expect(res.statusCode).toBe(200);
  });

  it('logs a warning at start-up that the sandbox key is public', async () => {
    const t = await app({ CDS_TRUST_SANDBOX: 'true' });
    expect(t.logs.some((l) => l.includes('CDS_TRUST_SANDBOX=true') && JSON.parse(l).level === 40)).toBe(true);
  });

  it('refuses a sandbox-minted token without the preset (iss not trusted)', async () => {
    // Even with the sandbox's own public key configured for another issuer, its iss is not trusted.
    const t = await app({
      CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: 'https://ehr.example.test', jwks: sandboxJwks }]),
    });
    const res = await t.app.inject({
      method: 'GET',
      url: '/cds-services',
      headers: bearer(await sandboxToken(`${LOCAL_BASE}/cds-services`)),
    });
    expect(res.statusCode).toBe(401);
    expect(t.failures).toEqual(['iss-untrusted']);
  });

  it('still checks aud for sandbox tokens', async () => {
    const t = await app({ CDS_TRUST_SANDBOX: 'true' });
    const res = await t.app.inject({
      method: 'GET',
      url: '/cds-services',
      headers: bearer(await sandboxToken('http://localhost:3001/cds-services')),
    });
    expect(res.statusCode).toBe(401);
    expect(t.failures).toEqual(['aud-mismatch']);
  });

  it('refuses to start under NODE_ENV=production', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        CDS_TRUST_SANDBOX: 'true',
        PUBLIC_BASE_URL: 'https://cds.example',
      }),
    ).toThrow(/CDS_TRUST_SANDBOX/);
  });
});
