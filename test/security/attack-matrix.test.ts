import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
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
  type AuthTestApp,
} from './support/auth-app.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { jwksOf, makeKey, type TestKey } from './support/keys.js';
import { decodePayload, mint, nowSeconds, signRawEs384, unsignedToken, withPayload } from './support/mint.js';

/**
 * The attack matrix (issue 4, item 8): each forged or flawed token is refused with 401, and for the RIGHT reason
 * (the reason reported on the `auth.failed` event, which is also what the log line says).
 */
describe('EHR JWT verification: attack matrix', () => {
  let es: TestKey;
  let rs: TestKey;
  let es256: TestKey;
  let ps: TestKey;
  let attacker: TestKey;
  let jwks: JwksServer;
  let attackerJwks: JwksServer;
  let t: AuthTestApp;

  const DISCOVERY_AUD = BASE_URL + DISCOVERY_PATH;
  const SERVICE_AUD = BASE_URL + SERVICE_PATH;

  beforeAll(async () => {
    [es, rs, es256, ps, attacker] = await Promise.all([
      makeKey('ES384'),
      makeKey('RS384'),
      makeKey('ES256'),
      makeKey('PS384'),
      makeKey('ES384'),
    ]);
    // The EHR publishes ES256 and PS384 keys too: the algorithm allow-list, not key availability, must stop them.
    jwks = await startJwksServer(jwksOf(es, rs, es256, ps));
    attackerJwks = await startJwksServer(jwksOf(attacker));
    t = await buildAuthApp({ CDS_TRUSTED_ISSUERS: issuersEnv([{ iss: EHR_ISS, jwks_uri: [jwks.url] }]) });
  });
  afterAll(async () => {
    await t.app.close();
    await jwks.close();
    await attackerJwks.close();
  });

  async function discovery(headers: Record<string, string>) {
    t.takeFailures();
    const res = await t.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers });
    return { res, failures: t.takeFailures() };
  }

  const valid = (key: TestKey = es, extra: Partial<Parameters<typeof mint>[1]> = {}) =>
    mint(key, { iss: EHR_ISS, aud: DISCOVERY_AUD, ...extra });

  describe('accepted', () => {
    it('a valid ES384 token on discovery', async () => {
      const { res, failures } = await discovery(bearer(await valid(es)));
      expect(failures).toEqual([]);
      expect(res.statusCode).toBe(200);
    });

    it('a valid RS384 token on a service call, with aud as a one-element array and extra claims', async () => {
      const token = await mint(rs, {
        iss: EHR_ISS,
        aud: [SERVICE_AUD],
        claims: { sub: 'client-42', tenant: 'any-tenant', nbf: nowSeconds() - 10 },
      });
      const res = await t.app.inject({
        method: 'POST',
        url: SERVICE_PATH,
        headers: bearer(token),
        payload: patientViewRequest(),
      });
      expect(res.statusCode).toBe(200);
    });

    it('a valid token on feedback, aud differing only by a trailing slash', async () => {
      const token = await mint(es, { iss: EHR_ISS, aud: BASE_URL + FEEDBACK_PATH + '/' });
      const res = await t.app.inject({
        method: 'POST',
        url: FEEDBACK_PATH,
        headers: bearer(token),
        payload: { feedback: [] },
      });
      expect(t.takeFailures()).toEqual([]);
      expect(res.statusCode).not.toBe(401);
    });

    it('aud compared as a URL: scheme and host case and a default port make no difference', async () => {
      for (const aud of [
        DISCOVERY_AUD.replace('https://cds.example.test', 'HTTPS://CDS.Example.Test'),
        DISCOVERY_AUD.replace('cds.example.test', 'cds.example.test:443'),
      ]) {
        const { res, failures } = await discovery(bearer(await valid(es, { aud })));
        expect({ aud, failures, status: res.statusCode }).toEqual({ aud, failures: [], status: 200 });
      }
    });
  });

  type Case = [name: string, reason: string, build: () => Promise<Record<string, string>>];

  const cases: Case[] = [
    ['no Authorization header', 'token-missing', async () => ({})],
    ['Basic instead of Bearer', 'token-malformed', async () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['not a JWT', 'token-malformed', async () => bearer('abc.def')],
    ['expired', 'expired', async () => bearer(await valid(es, { iatOffset: -1000, lifetime: 300 }))],
    ['iat in the future', 'iat-in-future', async () => bearer(await valid(es, { iatOffset: 600 }))],
    [
      'nbf in the future',
      'not-yet-valid',
      async () => bearer(await valid(es, { claims: { nbf: nowSeconds() + 600 } })),
    ],
    [
      'wrong aud',
      'aud-mismatch',
      async () => bearer(await valid(es, { aud: 'https://other.example/cds-services' })),
    ],
    [
      'aud array without a match',
      'aud-mismatch',
      async () =>
        bearer(await valid(es, { aud: ['https://a.example/cds-services', BASE_URL + '/cds-services/x'] })),
    ],
    [
      'aud on another host alias',
      'aud-mismatch',
      async () => bearer(await valid(es, { aud: 'http://127.0.0.1:3000/cds-services' })),
    ],
    [
      'aud with a query string',
      'aud-mismatch',
      async () => bearer(await valid(es, { aud: DISCOVERY_AUD + '?x=1' })),
    ],
    [
      'aud with a fragment',
      'aud-mismatch',
      async () => bearer(await valid(es, { aud: DISCOVERY_AUD + '#x' })),
    ],
    [
      'aud whose path only matches after dot-segment normalisation',
      'aud-mismatch',
      async () => bearer(await valid(es, { aud: BASE_URL + '/other/../cds-services' })),
    ],
    [
      'aud with a percent-encoded path',
      'aud-mismatch',
      async () => bearer(await valid(es, { aud: BASE_URL + '/cds-%73ervices' })),
    ],
    [
      'aud with userinfo',
      'aud-mismatch',
      async () => bearer(await valid(es, { aud: DISCOVERY_AUD.replace('https://', 'https://u:p@') })),
    ],
    [
      'crit naming an extension the service does not understand (validly signed)',
      'header-unsupported',
      async () =>
        bearer(
          await signRawEs384(
            es,
            { alg: 'ES384', typ: 'JWT', kid: es.kid, crit: ['urn:x-unknown'], 'urn:x-unknown': true },
            decodePayload(await valid(es)),
          ),
        ),
    ],
    [
      'b64: false (unencoded payload, validly signed)',
      'token-malformed',
      async () => {
        const payload = JSON.stringify(decodePayload(await valid(es)));
        const header = Buffer.from(
          JSON.stringify({ alg: 'ES384', typ: 'JWT', kid: es.kid, b64: false, crit: ['b64'] }),
        ).toString('base64url');
        const sig = await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-384' },
          es.privateKey,
          new TextEncoder().encode(`${header}.${payload}`),
        );
        return bearer(`${header}..${Buffer.from(sig).toString('base64url')}`);
      },
    ],
    [
      'JWE (5 parts)',
      'token-malformed',
      async () => bearer('eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d'),
    ],
    [
      'unknown iss',
      'iss-untrusted',
      async () => bearer(await mint(attacker, { iss: 'https://evil.example', aud: DISCOVERY_AUD })),
    ],
    ['missing iss', 'iss-missing', async () => bearer(await valid(es, { claims: { iss: undefined } }))],
    ['unknown kid', 'kid-unknown', async () => bearer(await valid(es, { header: { kid: 'no-such-kid' } }))],
    ['kid missing', 'kid-missing', async () => bearer(await valid(es, { header: { kid: undefined } }))],
    [
      'alg none',
      'alg-none',
      async () =>
        bearer(unsignedToken({ alg: 'none', typ: 'JWT', kid: es.kid }, decodePayload(await valid(es)))),
    ],
    [
      'alg NONE (case variant)',
      'alg-none',
      async () =>
        bearer(unsignedToken({ alg: 'NONE', typ: 'JWT', kid: es.kid }, decodePayload(await valid(es)))),
    ],
    [
      'HS256 signed with the RSA public key as the HMAC secret',
      'alg-symmetric',
      async () => {
        const payload = decodePayload(await valid(rs));
        const token = await new SignJWT(payload)
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: rs.kid })
          .sign(new TextEncoder().encode(rs.publicPem));
        return bearer(token);
      },
    ],
    ['ES256 (published, but not allowed)', 'alg-not-allowed', async () => bearer(await valid(es256))],
    ['PS384 (published, but not allowed)', 'alg-not-allowed', async () => bearer(await valid(ps))],
    [
      'jku not on the issuer list (attacker JWKS, attacker key)',
      'jku-not-allowed',
      async () => bearer(await valid(attacker, { header: { jku: attackerJwks.url } })),
    ],
    [
      'tampered payload',
      'signature-invalid',
      async () => {
        const token = await valid(es);
        return bearer(withPayload(token, { ...decodePayload(token), sub: 'admin' }));
      },
    ],
    [
      'tampered signature',
      'signature-invalid',
      async () => {
        const [h, p, s] = (await valid(es)).split('.') as [string, string, string];
        const i = Math.floor(s.length / 2);
        return bearer(`${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`);
      },
    ],
    [
      'signed by an attacker key under a trusted kid',
      'signature-invalid',
      async () => bearer(await mint(attacker, { iss: EHR_ISS, aud: DISCOVERY_AUD, header: { kid: es.kid } })),
    ],
    ['missing jti', 'jti-missing', async () => bearer(await valid(es, { claims: { jti: undefined } }))],
    ['missing exp', 'exp-missing', async () => bearer(await valid(es, { claims: { exp: undefined } }))],
    ['missing iat', 'iat-missing', async () => bearer(await valid(es, { claims: { iat: undefined } }))],
    ['wrong typ', 'typ-invalid', async () => bearer(await valid(es, { header: { typ: 'at+jwt' } }))],
    ['missing typ', 'typ-invalid', async () => bearer(await valid(es, { header: { typ: undefined } }))],
    [
      'lifetime above JWT_MAX_LIFETIME_SECONDS',
      'lifetime-too-long',
      async () => bearer(await valid(es, { lifetime: 7200 })),
    ],
    [
      'oversized token',
      'token-too-large',
      async () => bearer(await valid(es, { claims: { padding: 'x'.repeat(10_000) } })),
    ],
  ];

  it.each(cases)('refuses: %s → %s', async (_name, reason, build) => {
    const hitsBefore = attackerJwks.hits;
    const { res, failures } = await discovery(await build());
    expect(res.statusCode).toBe(401);
    expect(failures).toEqual([reason]);
    expect(res.json()).toMatchObject({ statusCode: 401, message: 'Unauthorized' });
    // Nothing in the matrix may make the service fetch the attacker's URL.
    expect(attackerJwks.hits).toBe(hitsBefore);
  });

  it('refuses a replayed jti (the first use is accepted)', async () => {
    const token = await valid(es);
    expect((await discovery(bearer(token))).res.statusCode).toBe(200);
    const again = await discovery(bearer(token));
    expect(again.res.statusCode).toBe(401);
    expect(again.failures).toEqual(['jti-replayed']);
  });

  it('refuses a token minted for discovery on a service URL (aud)', async () => {
    const token = await valid(es);
    t.takeFailures();
    const res = await t.app.inject({
      method: 'POST',
      url: SERVICE_PATH,
      headers: bearer(token),
      payload: patientViewRequest(),
    });
    expect(res.statusCode).toBe(401);
    expect(t.takeFailures()).toEqual(['aud-mismatch']);
  });

  it('refuses a service token on the feedback URL (aud)', async () => {
    const token = await mint(es, { iss: EHR_ISS, aud: SERVICE_AUD });
    t.takeFailures();
    const res = await t.app.inject({
      method: 'POST',
      url: FEEDBACK_PATH,
      headers: bearer(token),
      payload: { feedback: [] },
    });
    expect(res.statusCode).toBe(401);
    expect(t.takeFailures()).toEqual(['aud-mismatch']);
  });

  it('a token refused for its aud does not burn its jti', async () => {
    // The jti is recorded only after every other check, so a mis-addressed call cannot be used to block a
    // legitimate one — and the same token is still accepted where it belongs.
    const token = await valid(es);
    await t.app.inject({
      method: 'POST',
      url: SERVICE_PATH,
      headers: bearer(token),
      payload: patientViewRequest(),
    });
    expect((await discovery(bearer(token))).res.statusCode).toBe(200);
  });

  it('never fetched the attacker JWKS during the whole matrix', () => {
    expect(attackerJwks.hits).toBe(0);
  });

  it('logged every refusal with its reason', () => {
    const reasons = t.logs
      .map((l) => JSON.parse(l) as { msg?: string; authFailure?: string })
      .filter((l) => l.msg === 'authentication failed')
      .map((l) => l.authFailure);
    for (const [, reason] of cases) expect(reasons).toContain(reason);
    expect(reasons).toContain('jti-replayed');
  });
});
