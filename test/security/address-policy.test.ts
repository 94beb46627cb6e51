import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { classifyAddress } from '../../src/security/ip-ranges.js';
import { connectAllowed, createFhirServerPolicy } from '../../src/security/fhir-server-policy.js';
import { guardedLookup } from '../../src/security/guarded-lookup.js';

/** The address classes and URL rules behind the fhirServer guard, including URL-parser tricks. */
describe('address classification', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.0.10', 'private'],
    ['100.64.1.1', 'private'],
    ['fd12::1', 'private'],
    ['169.254.169.254', 'forbidden'],
    ['::ffff:a9fe:a9fe', 'forbidden'],
    ['fe80::1', 'forbidden'],
    ['fd00:ec2::254', 'forbidden'],
    ['0.0.0.0', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['not-an-ip', 'forbidden'],
    // IPv6 forms that embed an IPv4 address take the embedded address's class when it is forbidden.
    ['64:ff9b::a9fe:a9fe', 'forbidden'], // NAT64 → 169.254.169.254
    ['64:ff9b::169.254.169.254', 'forbidden'],
    ['2002:a9fe:a9fe::1', 'forbidden'], // 6to4 → 169.254.169.254
    ['::ffff:0:a9fe:a9fe', 'forbidden'], // IPv4-translated → 169.254.169.254
    ['::ffff:0:a00:1', 'private'], // IPv4-translated → 10.0.0.1
    // Issue 11: IPv4-embedding forms decode to the IPv4 rules.
    ['64:ff9b::808:808', 'public'], // NAT64 of 8.8.8.8 reaches 8.8.8.8 (an IPv6-only network's DNS64 answers so)
    ['64:ff9b::a00:1', 'private'], // NAT64 → 10.0.0.1
    ['64:ff9b::7f00:1', 'private'], // the translator's loopback is not this machine
    ['64:ff9b:1::a9fe:a9fe', 'forbidden'], // RFC 8215 local-use NAT64 (/96) → 169.254.169.254
    ['64:ff9b:1:a9fe:a9:fe00::', 'forbidden'], // local-use, /48 layout → 169.254.169.254
    ['64:ff9b:1:0:a9:fea9:fe00:0', 'forbidden'], // local-use, /64 layout → 169.254.169.254
    ['64:ff9b:1::808:808', 'public'],
    ['64:ff9b:1::c0a8:1', 'private'], // → 192.168.0.1
    ['2002:808:808::1', 'private'], // 6to4: a relay, never looser than private
    ['2001:0:4136:e378:8000:63bf:3fff:c0a8', 'private'], // Teredo: client 192.0.63.87 via server 65.54.227.120
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'forbidden'], // Teredo, client 192.0.2.45 (documentation)
    ['2001:0:a9fe:a9fe::1', 'forbidden'], // Teredo server 169.254.169.254
    ['2001:470:1f0b:1::5efe:a9fe:a9fe', 'forbidden'], // ISATAP → 169.254.169.254
    ['2001:470:1f0b:1:200:5efe:a00:1', 'private'], // ISATAP → 10.0.0.1
    ['2001:db8::1', 'forbidden'],
    ['100::1', 'forbidden'],
    ['192.0.2.1', 'forbidden'],
    ['203.0.113.7', 'forbidden'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });
});

describe('fhirServer URL rules', () => {
  const policy = createFhirServerPolicy({
    issuers: [],
    allowlist: [],
    allowPrivateNetwork: false,
    allowHttpLoopback: false,
    requireHttps: false,
    log: pino({ level: 'silent' }),
  });
  const refused = (url: string) => {
    try {
      policy.checkUrl!(new URL(url));
      return false;
    } catch {
      return true;
    }
  };

  it.each([
    'http://2130706433/fhir', // decimal form of 127.0.0.1
    'http://0x7f.1/fhir', // hex/short form of 127.0.0.1
    'http://[::ffff:127.0.0.1]/fhir',
    'http://169.254.169.254/latest/meta-data/',
    'http://0xa9fea9fe/', // 169.254.169.254
    'http://[64:ff9b:1::a9fe:a9fe]/', // local-use NAT64 of 169.254.169.254 (issue 11 finding 8)
    'ftp://fhir.example.org/fhir',
    'file:///etc/passwd',
    'https://user:pw@fhir.example.org/fhir',
  ])('refuses %s', (url) => {
    expect(refused(url)).toBe(true);
  });

  it('refuses a NAT64 spelling of the metadata address even when private networks are allowed (issue 11)', () => {
    const permissive = createFhirServerPolicy({
      issuers: [],
      allowlist: [],
      allowPrivateNetwork: true,
      allowHttpLoopback: true,
      requireHttps: false,
      log: pino({ level: 'silent' }),
    });
    for (const url of [
      'http://[64:ff9b:1::a9fe:a9fe]/',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://[::ffff:0:a9fe:a9fe]/',
    ])
      expect(() => permissive.checkUrl!(new URL(url)), url).toThrow();
    expect(() => permissive.checkUrl!(new URL('http://[64:ff9b:1::a00:1]/fhir'))).not.toThrow();
  });

  it('allows a public https server', () => {
    expect(refused('https://launch.smarthealthit.org/v/r4/fhir')).toBe(false);
  });

  it('a caller may only name its own issuer bases', () => {
    const withIssuer = createFhirServerPolicy({
      issuers: [
        {
          iss: 'i',
          jwksUris: [],
          jkuAliases: [],
          tenants: [],
          fhirServers: ['https://fhir.example.org/r4/'],
        },
      ],
      allowlist: [],
      allowPrivateNetwork: false,
      allowHttpLoopback: false,
      requireHttps: true,
      log: pino({ level: 'silent' }),
    });
    expect(() => withIssuer.check(new URL('https://fhir.example.org/r4'), { issuer: 'i' })).not.toThrow();
    expect(() => withIssuer.check(new URL('https://fhir.example.org/r4/Patient'), { issuer: 'i' })).toThrow();
    expect(() => withIssuer.check(new URL('https://fhir.example.org/r4'), { issuer: 'other' })).toThrow();
    expect(() => withIssuer.check(new URL('http://fhir.example.org/r4'), { issuer: 'i' })).toThrow();
  });
});

describe('connect-time DNS check', () => {
  // A resolver that answers what the test says (a hostile or misconfigured DNS server).
  const fakeDns = (answers: Record<string, string>) =>
    ((hostname: string, _options: unknown, callback: (...args: unknown[]) => void) => {
      const address = answers[hostname];
      if (!address) return callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
      callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
    }) as unknown as typeof import('node:dns').lookup;

  const lookupWith = (answers: Record<string, string>) => {
    // FHIR_ALLOW_HTTP_LOOPBACK-like policy: public and loopback addresses are allowed.
    const refused: string[] = [];
    const lookup = guardedLookup(
      connectAllowed((cls) => cls === 'public' || cls === 'loopback'),
      (host, cls) => refused.push(`${host}:${cls}`),
      fakeDns(answers),
    );
    const resolve = (host: string) =>
      new Promise<string>((done) =>
        lookup(host, {}, (err, address) => done(err ? 'refused' : String(address))),
      );
    return { resolve, refused };
  };

  it('a name under localhost must resolve to loopback (it may have been admitted for plain http as loopback)', async () => {
    const { resolve, refused } = lookupWith({
      'fhir.localhost': '93.184.216.34',
      'localhost.': '93.184.216.34',
      'good.localhost': '127.0.0.1',
      'ehr.example': '93.184.216.34',
    });
    expect(await resolve('fhir.localhost')).toBe('refused');
    expect(await resolve('localhost.')).toBe('refused');
    expect(await resolve('good.localhost')).toBe('127.0.0.1');
    expect(await resolve('ehr.example')).toBe('93.184.216.34');
    expect(refused).toEqual(['fhir.localhost:public', 'localhost.:public']);
  });

  it('refuses a name when any answer is refused (a rebinding name that also resolves to metadata)', async () => {
    const { resolve } = lookupWith({ 'rebind.example': '169.254.169.254' });
    expect(await resolve('rebind.example')).toBe('refused');
  });
});
