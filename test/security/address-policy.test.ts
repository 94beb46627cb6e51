import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { classifyAddress } from '../../src/security/ip-ranges.js';
import { createFhirServerPolicy } from '../../src/security/fhir-server-policy.js';

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
    'ftp://fhir.example.org/fhir',
    'file:///etc/passwd',
    'https://user:pw@fhir.example.org/fhir',
  ])('refuses %s', (url) => {
    expect(refused(url)).toBe(true);
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
