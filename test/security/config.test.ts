import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

/** Security configuration: unsafe or incomplete settings stop the process with a one-line message. */
const PROD = { NODE_ENV: 'production', PATIENT_HASH_SECRET: 'x'.repeat(40) };
const ISSUER = JSON.stringify([{ iss: 'https://ehr.example', jwks_uri: 'https://ehr.example/jwks.json' }]);

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('security configuration', () => {
  it('defaults to CDS_AUTH=required in production and off elsewhere', () => {
    const prod = loadConfig({ ...PROD, PUBLIC_BASE_URL: 'https://cds.example', CDS_TRUSTED_ISSUERS: ISSUER });
    expect(prod.security.auth.mode).toBe('required');
    expect(loadConfig({ NODE_ENV: 'development' }).security.auth.mode).toBe('off');
  });

  it('CDS_AUTH=required refuses to start without PUBLIC_BASE_URL', () => {
    expect(configError({ CDS_AUTH: 'required', CDS_TRUSTED_ISSUERS: ISSUER })).toMatch(/PUBLIC_BASE_URL/);
  });

  it('CDS_AUTH=required refuses to start without a trusted issuer', () => {
    expect(configError({ CDS_AUTH: 'required', PUBLIC_BASE_URL: 'https://cds.example' })).toMatch(
      /CDS_TRUSTED_ISSUERS/,
    );
  });

  it('never allows none or HS* in JWT_ALGORITHMS or per issuer', () => {
    expect(configError({ JWT_ALGORITHMS: 'HS256' })).toMatch(/JWT_ALGORITHMS/);
    expect(configError({ JWT_ALGORITHMS: 'none' })).toMatch(/JWT_ALGORITHMS/);
    expect(
      configError({
        CDS_TRUSTED_ISSUERS: JSON.stringify([{ iss: 'a', jwks_uri: 'https://a/j', algorithms: ['HS384'] }]),
      }),
    ).toMatch(/CDS_TRUSTED_ISSUERS/);
  });

  it('refuses trusted JWKS holding private or symmetric keys', () => {
    const withPrivate = [{ iss: 'a', jwks: { keys: [{ kty: 'EC', crv: 'P-384', x: 'x', y: 'y', d: 'd' }] } }];
    expect(configError({ CDS_TRUSTED_ISSUERS: JSON.stringify(withPrivate) })).toMatch(/public keys only/);
    const withOct = [{ iss: 'a', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }];
    expect(configError({ CDS_TRUSTED_ISSUERS: JSON.stringify(withOct) })).toMatch(/public keys only/);
  });

  it('requires https jwks_uri in production', () => {
    const httpIssuer = JSON.stringify([{ iss: 'a', jwks_uri: 'http://a.example/jwks' }]);
    expect(
      configError({ ...PROD, PUBLIC_BASE_URL: 'https://cds.example', CDS_TRUSTED_ISSUERS: httpIssuer }),
    ).toMatch(/https/);
  });

  it('reads CDS_TRUSTED_ISSUERS from a file, in either shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'issuers-'));
    const file = join(dir, 'issuers.json');
    writeFileSync(file, JSON.stringify({ issuers: JSON.parse(ISSUER) }));
    const config = loadConfig({ CDS_TRUSTED_ISSUERS: file });
    expect(config.security.auth.issuers.map((i) => i.iss)).toEqual(['https://ehr.example']);
    expect(configError({ CDS_TRUSTED_ISSUERS: join(dir, 'missing.json') })).toMatch(/cannot read/);
  });

  it('rejects malformed issuer entries with the offending field', () => {
    expect(configError({ CDS_TRUSTED_ISSUERS: '{not json' })).toMatch(/not valid JSON/);
    expect(configError({ CDS_TRUSTED_ISSUERS: JSON.stringify([{ iss: 'a' }]) })).toMatch(/jwks_uri/);
    expect(
      configError({ CDS_TRUSTED_ISSUERS: JSON.stringify([{ iss: 'a', jwks_uri: 'https://a/j', extra: 1 }]) }),
    ).toMatch(/CDS_TRUSTED_ISSUERS/);
  });

  it('accepts per-issuer audiences (absolute URLs or identifiers) and refuses unusable ones in one line', () => {
    const withAudiences = (audiences: unknown) =>
      JSON.stringify([{ iss: 'https://ehr.example', jwks_uri: 'https://ehr.example/j', audiences }]);
    const config = loadConfig({
      CDS_TRUSTED_ISSUERS: withAudiences(['https://example.com/savecdshooksrequest', 'epic-client-42']),
    });
    expect(config.security.auth.issuers[0]!.audiences).toEqual([
      'https://example.com/savecdshooksrequest',
      'epic-client-42',
    ]);
    const single = loadConfig({ CDS_TRUSTED_ISSUERS: withAudiences('https://example.com/x') });
    expect(single.security.auth.issuers[0]!.audiences).toEqual(['https://example.com/x']);
    for (const bad of [
      [''],
      [' https://example.com/x'],
      ['https://example.com/x?q=1'],
      ['https://example.com/x#f'],
      ['https://u:p@example.com/x'],
      ['https://example.com/a/../x'],
      ['https:example.com/x'],
      ['https://'],
      ['   '],
      ['epic\u0001client'],
    ]) {
      const message = configError({ CDS_TRUSTED_ISSUERS: withAudiences(bad) });
      expect({ bad, message }).toEqual({
        bad,
        message: expect.stringMatching(/^Invalid environment variable CDS_TRUSTED_ISSUERS: 0\.audiences/),
      });
    }
    // A wrong type is refused too (the message then names the file's root, as for any other field).
    for (const bad of [[42], {}, null]) {
      expect(configError({ CDS_TRUSTED_ISSUERS: withAudiences(bad) })).toMatch(
        /^Invalid environment variable CDS_TRUSTED_ISSUERS: /,
      );
    }
  });

  it('CDS_TRUST_SANDBOX adds the sandbox issuer outside production, and refuses production', () => {
    const dev = loadConfig({ CDS_TRUST_SANDBOX: 'true' });
    expect(dev.security.auth.issuers.map((i) => i.iss)).toEqual(['https://sandbox.cds-hooks.org']);
    expect(configError({ ...PROD, CDS_TRUST_SANDBOX: 'true' })).toMatch(/CDS_TRUST_SANDBOX/);
  });
});
