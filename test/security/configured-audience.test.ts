import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientViewRequest } from '../support/requests.js';
import {
  BASE_URL,
  bearer,
  buildAuthApp,
  DISCOVERY_PATH,
  EHR_ISS,
  issuersEnv,
  SERVICE_PATH,
  type AuthTestApp,
} from './support/auth-app.js';
import { jwksOf, makeKey, type TestKey } from './support/keys.js';
import { decodePayload, mint, withPayload } from './support/mint.js';

/**
 * A per-issuer configured `aud` (Epic: "manually configured by the health system", spec checklist §6.10/§6.11).
 * The configured audience is an alternative to the URL called for that issuer only; every other check stays.
 */
describe('EHR JWT verification: per-issuer configured audiences', () => {
  const EPIC_AUD = 'https://example.com/savecdshooksrequest';
  const EPIC_CLIENT_AUD = 'epic-cds-client-42';
  const OTHER_ISS = 'https://other-ehr.example.test';
  const OTHER_AUD = 'https://other.example.com/hooks-endpoint';
  const PLAIN_ISS = 'https://plain-ehr.example.test';
  const DISCOVERY_AUD = BASE_URL + DISCOVERY_PATH;

  let epicKey: TestKey;
  let otherKey: TestKey;
  let plainKey: TestKey;
  let t: AuthTestApp;

  beforeAll(async () => {
    [epicKey, otherKey, plainKey] = await Promise.all([makeKey('RS384'), makeKey('ES384'), makeKey('ES384')]);
    t = await buildAuthApp({
      CDS_TRUSTED_ISSUERS: issuersEnv([
        { iss: EHR_ISS, jwks: jwksOf(epicKey), audiences: [EPIC_AUD, EPIC_CLIENT_AUD] },
        { iss: OTHER_ISS, jwks: jwksOf(otherKey), audiences: [OTHER_AUD] },
        { iss: PLAIN_ISS, jwks: jwksOf(plainKey) },
      ]),
    });
  });
  afterAll(async () => {
    await t.app.close();
  });

  async function discovery(token: string) {
    t.takeFailures();
    const res = await t.app.inject({ method: 'GET', url: DISCOVERY_PATH, headers: bearer(token) });
    return { status: res.statusCode, failures: t.takeFailures() };
  }

  const ok = { status: 200, failures: [] };
  const refused = (reason: string) => ({ status: 401, failures: [reason] });

  describe('accepted', () => {
    it('a token whose aud is the configured audience, on discovery', async () => {
      expect(await discovery(await mint(epicKey, { iss: EHR_ISS, aud: EPIC_AUD }))).toEqual(ok);
    });

    it('the same configured audience on a service call (it names no endpoint of this service)', async () => {
      t.takeFailures();
      const res = await t.app.inject({
        method: 'POST',
        url: SERVICE_PATH,
        headers: bearer(await mint(epicKey, { iss: EHR_ISS, aud: EPIC_AUD })),
        payload: patientViewRequest(),
      });
      expect(t.takeFailures()).toEqual([]);
      expect(res.statusCode).toBe(200);
    });

    it('the configured audience inside an aud array, and after the usual URL normalisation', async () => {
      for (const aud of [
        ['https://unrelated.example/x', EPIC_AUD],
        EPIC_AUD + '/',
        'HTTPS://EXAMPLE.COM:443/savecdshooksrequest',
      ]) {
        const result = await discovery(await mint(epicKey, { iss: EHR_ISS, aud }));
        expect({ aud, ...result }).toEqual({ aud, ...ok });
      }
    });

    it('a configured non-URL audience (a client id), matched exactly', async () => {
      expect(await discovery(await mint(epicKey, { iss: EHR_ISS, aud: EPIC_CLIENT_AUD }))).toEqual(ok);
      expect(
        await discovery(await mint(epicKey, { iss: EHR_ISS, aud: EPIC_CLIENT_AUD.toUpperCase() })),
      ).toEqual(refused('aud-mismatch'));
    });

    it('the exact URL called still works for the issuer with configured audiences', async () => {
      expect(await discovery(await mint(epicKey, { iss: EHR_ISS, aud: DISCOVERY_AUD }))).toEqual(ok);
    });

    it('the exact URL called still works for an issuer without configured audiences', async () => {
      expect(await discovery(await mint(plainKey, { iss: PLAIN_ISS, aud: DISCOVERY_AUD }))).toEqual(ok);
    });
  });

  describe('refused', () => {
    it('an audience that differs from the configured one', async () => {
      for (const aud of [
        'https://example.com/savecdshooksrequest2',
        'https://example.com/SaveCdsHooksRequest',
        'https://example.com/savecdshooksrequest?x=1',
        'https://example.com/savecdshooksrequest#x',
        'https://example.com/x/../savecdshooksrequest',
        'https://example.com/%73avecdshooksrequest',
        'https://u:p@example.com/savecdshooksrequest',
        'http://example.com/savecdshooksrequest',
        'https://example.com',
        'https://example.com:8443/savecdshooksrequest',
        '',
        [],
      ]) {
        const result = await discovery(await mint(epicKey, { iss: EHR_ISS, aud }));
        expect({ aud, ...result }).toEqual({ aud, ...refused('aud-mismatch') });
      }
    });

    it('the exact-URL rule is unchanged: a URL of another endpoint of this service is refused', async () => {
      expect(await discovery(await mint(epicKey, { iss: EHR_ISS, aud: BASE_URL + SERVICE_PATH }))).toEqual(
        refused('aud-mismatch'),
      );
    });

    it('an audience configured on another issuer only', async () => {
      // Epic's own key and iss, with the other issuer's audience.
      expect(await discovery(await mint(epicKey, { iss: EHR_ISS, aud: OTHER_AUD }))).toEqual(
        refused('aud-mismatch'),
      );
      // The other issuer's key and iss, with Epic's audience (and client id).
      for (const aud of [EPIC_AUD, EPIC_CLIENT_AUD]) {
        const result = await discovery(await mint(otherKey, { iss: OTHER_ISS, aud }));
        expect({ aud, ...result }).toEqual({ aud, ...refused('aud-mismatch') });
      }
      // An issuer with no configured audience at all.
      expect(await discovery(await mint(plainKey, { iss: PLAIN_ISS, aud: EPIC_AUD }))).toEqual(
        refused('aud-mismatch'),
      );
    });

    it("a token for Epic's audience signed by a key that is not Epic's (kid copied) is refused", async () => {
      const impostor = await makeKey('RS384');
      expect(
        await discovery(await mint(impostor, { iss: EHR_ISS, aud: EPIC_AUD, header: { kid: epicKey.kid } })),
      ).toEqual(refused('signature-invalid'));
    });

    it("re-labelling another issuer's token with iss = Epic breaks the signature", async () => {
      const token = await mint(otherKey, { iss: OTHER_ISS, aud: EPIC_AUD });
      const forged = withPayload(token, { ...decodePayload(token), iss: EHR_ISS });
      const result = await discovery(forged);
      expect(result.status).toBe(401);
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]).not.toBe('aud-mismatch');
    });

    it('a configured audience does not relax exp, lifetime or jti', async () => {
      expect(await discovery(await mint(epicKey, { iss: EHR_ISS, aud: EPIC_AUD, iatOffset: -600 }))).toEqual(
        refused('expired'),
      );
      expect(
        await discovery(await mint(epicKey, { iss: EHR_ISS, aud: EPIC_AUD, lifetime: 24 * 3600 })),
      ).toEqual(refused('lifetime-too-long'));
      expect(
        await discovery(await mint(epicKey, { iss: EHR_ISS, aud: EPIC_AUD, claims: { jti: undefined } })),
      ).toEqual(refused('jti-missing'));
      const once = await mint(epicKey, { iss: EHR_ISS, aud: EPIC_AUD });
      expect(await discovery(once)).toEqual(ok);
      expect(await discovery(once)).toEqual(refused('jti-replayed'));
    });
  });
});
