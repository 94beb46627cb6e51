import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, SignJWT } from 'jose';
import { parseTrustedIssuers } from '../../src/security/trusted-issuers.js';
import {
  BASE_URL,
  bearer,
  buildAuthApp,
  DISCOVERY_PATH,
  issuersEnv,
  SERVICE_PATH,
  type AuthTestApp,
} from './support/auth-app.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { jwksOf, makeKey, type TestKey } from './support/keys.js';
import {
  decodePayload,
  mint,
  nowSeconds,
  unsignedToken,
  withPayload,
  type MintOptions,
} from './support/mint.js';

/**
 * Issue 15, item 5: trust presets for Epic, Oracle Health and the Da Vinci CRD request generator. Each preset accepts
 * the tokens that EHR mints (per its public documentation) and still refuses the attacks of the matrix; RS256 is
 * accepted only from an issuer configured for it.
 */

const EPIC_ISS = 'https://fhir.hospital.example/interconnect-fhir-oauth/api/FHIR/R4';
// Epic's `aud` is typed in by the health system (fhir.epic.com CDS Hooks tutorial, "Trusting CDS Clients").
const EPIC_AUD = 'https://cds.example.test/epic-osteoporosis';
const ORACLE_ISS = 'https://cds-hooks.cerner.com';
const CRD_ISS = 'http://localhost:8080/test-ehr/r4';
const PLAIN_ISS = 'https://plain-ehr.example.test';
const SERVICE_AUD = BASE_URL + SERVICE_PATH;
const DISCOVERY_AUD = BASE_URL + DISCOVERY_PATH;

/** Epic's `kid` is a standard-base64 (not base64url) thumbprint, with `+`, `/` and `=`. */
async function epicStyleKid(key: TestKey): Promise<string> {
  const b64url = await calculateJwkThumbprint(key.publicJwk, 'sha256');
  return Buffer.from(b64url, 'base64url').toString('base64');
}

describe('trust presets (CDS_TRUSTED_ISSUERS "preset")', () => {
  describe('configuration', () => {
    const jwks = { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'k' }] };
    it('a preset fills in algorithms, lifetime and profile', () => {
      const [epic, oracle, crd] = parseTrustedIssuers(
        JSON.stringify([
          { iss: EPIC_ISS, jwks, preset: 'epic', audiences: [EPIC_AUD] },
          { iss: ORACLE_ISS, jwks, preset: 'oracle-health' },
          { iss: CRD_ISS, jwks, preset: 'davinci-crd' },
        ]),
      );
      expect(epic).toMatchObject({ algorithms: ['RS384'], profile: 'epic', preset: 'epic' });
      expect(epic!.maxLifetimeSeconds).toBeUndefined();
      expect(oracle).toMatchObject({ algorithms: ['RS256', 'RS384'], profile: 'oracle-health' });
      expect(crd).toMatchObject({ algorithms: ['RS256'], maxLifetimeSeconds: 86_400, profile: 'hl7' });
    });
    it('what the entry says wins over the preset', () => {
      const [epic] = parseTrustedIssuers(
        JSON.stringify([
          {
            iss: EPIC_ISS,
            jwks,
            preset: 'epic',
            algorithms: ['ES384'],
            maxLifetimeSeconds: 900,
            profile: 'hl7',
          },
        ]),
      );
      expect(epic).toMatchObject({ algorithms: ['ES384'], maxLifetimeSeconds: 900, profile: 'hl7' });
    });
    it.each([
      [{ preset: 'athena' }, /preset/],
      [{ maxLifetimeSeconds: 86_401 }, /maxLifetimeSeconds/],
      [{ maxLifetimeSeconds: 10 }, /maxLifetimeSeconds/],
      [{ profile: 'cerner' }, /profile/],
      [{ compactCards: 'yes' }, /compactCards/],
      [{ preset: 'epic', algorithms: ['HS256'] }, /never allowed/],
    ])('refuses %j', (extra, message) => {
      expect(() => parseTrustedIssuers(JSON.stringify([{ iss: EPIC_ISS, jwks, ...extra }]))).toThrow(message);
    });
  });

  describe('tokens', () => {
    let epicKey: TestKey;
    let oracleRs256: TestKey;
    let oracleRs384: TestKey;
    let crdKey: TestKey;
    let plainRs256: TestKey;
    let plainEs: TestKey;
    let attacker: TestKey;
    let epicJwks: JwksServer;
    let oracleJwks: JwksServer;
    let crdJwks: JwksServer;
    let attackerJwks: JwksServer;
    let t: AuthTestApp;

    beforeAll(async () => {
      [oracleRs256, oracleRs384, crdKey, plainRs256, plainEs, attacker] = await Promise.all([
        makeKey('RS256'),
        makeKey('RS384'),
        makeKey('RS256'),
        makeKey('RS256'),
        makeKey('ES384'),
        makeKey('RS384'),
      ]);
      const epicBase = await makeKey('RS384');
      epicKey = await makeKey('RS384', await epicStyleKid(epicBase));
      crdKey = await makeKey('RS256', await calculateJwkThumbprint(crdKey.publicJwk, 'sha256'));
      [epicJwks, oracleJwks, crdJwks, attackerJwks] = await Promise.all([
        startJwksServer(jwksOf(epicKey)),
        startJwksServer(jwksOf(oracleRs256, oracleRs384)),
        startJwksServer(jwksOf(crdKey)),
        startJwksServer(jwksOf(attacker)),
      ]);
      t = await buildAuthApp({
        CDS_TRUSTED_ISSUERS: issuersEnv([
          { iss: EPIC_ISS, jwks_uri: [epicJwks.url], preset: 'epic', audiences: [EPIC_AUD] },
          { iss: ORACLE_ISS, jwks_uri: [oracleJwks.url], preset: 'oracle-health' },
          { iss: CRD_ISS, jwks_uri: [crdJwks.url], preset: 'davinci-crd' },
          // No preset: the global list (ES384, RS384); an RS256 key published here must not be enough.
          { iss: PLAIN_ISS, jwks: jwksOf(plainRs256, plainEs) },
        ]),
      });
    });
    afterAll(async () => {
      await t.app.close();
      await Promise.all([epicJwks.close(), oracleJwks.close(), crdJwks.close(), attackerJwks.close()]);
    });

    async function call(token: string, path = SERVICE_PATH) {
      t.takeFailures();
      const res =
        path === SERVICE_PATH
          ? await t.app.inject({
              method: 'POST',
              url: path,
              headers: bearer(token),
              payload: {
                hook: 'patient-view',
                hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
                context: { patientId: 'p1', userId: 'Practitioner/1' },
                prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null },
              },
            })
          : await t.app.inject({ method: 'GET', url: path, headers: bearer(token) });
      return { status: res.statusCode, failures: t.takeFailures() };
    }
    const refused = (reason: string) => ({ status: 401, failures: [reason] });

    /** Epic's documented token: RS384, jku on the EHR, base64 thumbprint kid, hand-set aud, sub, nbf 5 min early. */
    const epicToken = (extra: Partial<MintOptions> = {}) =>
      mint(epicKey, {
        iss: EPIC_ISS,
        aud: EPIC_AUD,
        lifetime: 900,
        header: { jku: epicJwks.url },
        claims: { sub: 'epic-cds-client-id', nbf: nowSeconds() - 300 },
        ...extra,
      });
    /** The CRD request generator's token: RS256, thumbprint kid, http jku, exp = iat + 1 day, no nbf. */
    const crdToken = (extra: Partial<MintOptions> = {}) =>
      mint(crdKey, {
        iss: CRD_ISS,
        aud: SERVICE_AUD,
        lifetime: 86_400,
        header: { jku: crdJwks.url },
        ...extra,
      });

    describe('accepted', () => {
      it('Epic: RS384, hand-set aud, base64 kid with + / =, jku, nbf five minutes early, ~15 minutes', async () => {
        expect(epicKey.kid).toMatch(/[+/=]/);
        const r = await call(await epicToken());
        expect(r.failures).toEqual([]);
        expect(r.status).not.toBe(401);
      });
      it('Epic: the exact URL called is still accepted as aud', async () => {
        expect((await call(await epicToken({ aud: SERVICE_AUD }))).failures).toEqual([]);
      });
      it('Oracle Health: RS256 and RS384 keys from its JWKS', async () => {
        for (const key of [oracleRs256, oracleRs384]) {
          const r = await call(await mint(key, { iss: ORACLE_ISS, aud: DISCOVERY_AUD }), DISCOVERY_PATH);
          expect(r).toEqual({ status: 200, failures: [] });
        }
      });
      it('Da Vinci CRD request generator: RS256, a day-long token', async () => {
        const r = await call(await crdToken());
        expect(r.failures).toEqual([]);
        expect(r.status).not.toBe(401);
      });
      it('Epic: discovery with the hand-set aud answers 200', async () => {
        const res = await t.app.inject({
          method: 'GET',
          url: DISCOVERY_PATH,
          headers: bearer(await epicToken({ aud: EPIC_AUD })),
        });
        expect(res.statusCode).toBe(200);
      });
    });

    describe('refused', () => {
      const cases: [string, string, () => Promise<string>][] = [
        // RS256 only where configured.
        [
          'RS256 from an issuer without a preset',
          'alg-not-allowed',
          () => mint(plainRs256, { iss: PLAIN_ISS, aud: SERVICE_AUD }),
        ],
        [
          'RS256 from Epic (preset RS384 only)',
          'alg-not-allowed',
          async () => {
            const rs256 = await makeKey('RS256', epicKey.kid);
            return mint(rs256, { iss: EPIC_ISS, aud: EPIC_AUD });
          },
        ],
        [
          'ES384 from Epic (the preset replaces the global list)',
          'alg-not-allowed',
          () => mint(plainEs, { iss: EPIC_ISS, aud: EPIC_AUD }),
        ],
        [
          'RS384 from the CRD client (preset RS256 only)',
          'alg-not-allowed',
          () => mint(oracleRs384, { iss: CRD_ISS, aud: SERVICE_AUD }),
        ],
        // Lifetimes.
        ['CRD token one second over a day', 'lifetime-too-long', () => crdToken({ lifetime: 86_401 })],
        ['Epic token of two hours (global 3600 s)', 'lifetime-too-long', () => epicToken({ lifetime: 7200 })],
        [
          'Oracle token of a day (no per-issuer lifetime)',
          'lifetime-too-long',
          () => mint(oracleRs256, { iss: ORACLE_ISS, aud: SERVICE_AUD, lifetime: 86_400 }),
        ],
        ['expired CRD token', 'expired', () => crdToken({ iatOffset: -90_000 })],
        // The matrix, per preset.
        [
          'alg none with Epic claims',
          'alg-none',
          async () =>
            unsignedToken({ alg: 'none', typ: 'JWT', kid: epicKey.kid }, decodePayload(await epicToken())),
        ],
        [
          'HS256 with the CRD public key as secret',
          'alg-symmetric',
          async () =>
            new SignJWT(decodePayload(await crdToken()))
              .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: crdKey.kid })
              .sign(new TextEncoder().encode(crdKey.publicPem)),
        ],
        [
          'HS384 with the Epic public key as secret',
          'alg-symmetric',
          async () =>
            new SignJWT(decodePayload(await epicToken()))
              .setProtectedHeader({ alg: 'HS384', typ: 'JWT', kid: epicKey.kid })
              .sign(new TextEncoder().encode(epicKey.publicPem)),
        ],
        [
          'Epic token with an attacker jku',
          'jku-not-allowed',
          () => mint(attacker, { iss: EPIC_ISS, aud: EPIC_AUD, header: { jku: attackerJwks.url } }),
        ],
        [
          "CRD token with another trusted issuer's jku",
          'jku-not-allowed',
          () => crdToken({ header: { jku: epicJwks.url } }),
        ],
        [
          'Epic kid signed by an attacker key',
          'signature-invalid',
          () =>
            mint(attacker, { iss: EPIC_ISS, aud: EPIC_AUD, header: { kid: epicKey.kid, jku: epicJwks.url } }),
        ],
        [
          'tampered Epic payload',
          'signature-invalid',
          async () => {
            const token = await epicToken();
            return withPayload(token, { ...decodePayload(token), sub: 'admin' });
          },
        ],
        [
          "Epic token with another issuer's configured aud",
          'aud-mismatch',
          () => epicToken({ aud: 'https://other.example/hooks' }),
        ],
        [
          "CRD token with Epic's configured aud (audiences are per issuer)",
          'aud-mismatch',
          () => crdToken({ aud: EPIC_AUD }),
        ],
        [
          'Oracle key under the Epic iss',
          'kid-unknown',
          () => mint(oracleRs384, { iss: EPIC_ISS, aud: EPIC_AUD }),
        ],
        [
          'Epic token not yet valid (nbf in 10 minutes)',
          'not-yet-valid',
          () => epicToken({ claims: { sub: 'x', nbf: nowSeconds() + 600 } }),
        ],
        ['CRD token without jti', 'jti-missing', () => crdToken({ claims: { jti: undefined } })],
      ];
      it.each(cases)('%s', async (_name, reason, token) => {
        expect(await call(await token())).toEqual(refused(reason));
      });

      it.each([
        ['Epic', () => epicToken()],
        ['CRD', () => crdToken()],
        ['Oracle', () => mint(oracleRs256, { iss: ORACLE_ISS, aud: SERVICE_AUD })],
      ] as const)('%s: a replayed token is refused (the first use is accepted)', async (_name, token) => {
        const once = await token();
        expect((await call(once)).failures).toEqual([]);
        expect(await call(once)).toEqual(refused('jti-replayed'));
      });
    });

    it('never fetched the attacker JWKS', () => {
      expect(attackerJwks.hits).toBe(0);
    });
  });
});
