import { describe, expect, it } from 'vitest';
import {
  CapabilityCache,
  parseCapabilities,
  UNKNOWN_CAPABILITIES,
} from '../../src/protocol/prefetch/capabilities.js';
import { planQuery } from '../../src/protocol/prefetch/query-plan.js';
import { saysUnsupported } from '../../src/protocol/prefetch/fallback-query.js';
import { FhirFetchError } from '../../src/protocol/fhir-client.js';
import type { FhirResource } from '../../src/protocol/types.js';
import { capabilityStatement } from '../ehr/vendor-profiles.js';

/** Unit tests of the capability-aware fallback's pure parts (the HTTP behaviour is in test/ehr/fallback-*). */

const OBS = 'Observation?patient=p1&code=http://loinc.org|17861-6,http://loinc.org|2160-0&_sort=-date';

describe('parseCapabilities', () => {
  it('reads release, types, interactions and search parameters (R4 and DSTU2)', () => {
    const r4 = parseCapabilities(capabilityStatement('4.0.1', { Observation: ['patient', 'code'] }));
    expect(r4.release).toBe('R4');
    expect([...r4.types!.get('Observation')!.searchParams!]).toEqual(['patient', 'code']);
    const dstu2 = parseCapabilities(capabilityStatement('1.0.2', { MedicationOrder: undefined }));
    expect(dstu2.release).toBe('DSTU2');
    expect(dstu2.types!.get('MedicationOrder')!.searchParams).toBeUndefined();
  });
  it('anything else is UNKNOWN', () => {
    expect(parseCapabilities({ resourceType: 'Bundle' })).toBe(UNKNOWN_CAPABILITIES);
  });
});

describe('planQuery', () => {
  it('without a statement: the template as written', () => {
    const plan = planQuery(OBS, UNKNOWN_CAPABILITIES);
    expect(plan.kind === 'attempts' && plan.attempts[0]!.query).toBe(OBS);
  });
  it('a type the statement does not list: unsupported, nothing sent', () => {
    const caps = parseCapabilities(capabilityStatement('4.0.1', { Observation: undefined }));
    expect(planQuery('MedicationStatement?patient=p1', caps)).toEqual({
      kind: 'unsupported',
      resourceType: 'MedicationStatement',
    });
  });
  it('DSTU2: MedicationRequest is asked as MedicationOrder', () => {
    const caps = parseCapabilities(capabilityStatement('1.0.2', { MedicationOrder: ['patient'] }));
    const plan = planQuery('MedicationRequest?patient=p1', caps);
    expect(plan.kind === 'attempts' && plan.attempts.map((a) => a.query)).toEqual([
      'MedicationOrder?patient=p1',
    ]);
  });
  it('undeclared _sort and code are dropped; the code filter is applied locally', () => {
    const caps = parseCapabilities(capabilityStatement('4.0.1', { Observation: ['subject'] }));
    const plan = planQuery(OBS, caps);
    if (plan.kind !== 'attempts') throw new Error('expected attempts');
    const first = plan.attempts[0]!;
    expect(first.query).toBe('Observation?subject=Patient/p1');
    const obs = (system: string, code: string): FhirResource => ({
      resourceType: 'Observation',
      code: { coding: [{ system, code }] },
    });
    expect(first.keep!(obs('http://loinc.org', '2160-0'))).toBe(true);
    expect(first.keep!(obs('http://loinc.org', '8867-4'))).toBe(false);
    expect(first.keep!(obs('urn:oid:2.16.840.1.113883.6.1', '2160-0'))).toBe(false);
  });
  it('declared parameters are kept; relaxed attempts follow for servers that refuse them anyway', () => {
    const caps = parseCapabilities(
      capabilityStatement('4.0.1', { Observation: ['patient', 'code', '_sort'] }),
    );
    const plan = planQuery(OBS, caps);
    if (plan.kind !== 'attempts') throw new Error('expected attempts');
    expect(plan.attempts.map((a) => a.query.replace(/code=[^&]*/, 'code=…'))).toEqual([
      'Observation?patient=p1&code=…&_sort=-date',
      'Observation?patient=p1&code=…',
      'Observation?patient=p1',
    ]);
    expect(plan.attempts[2]!.keep).toBeDefined();
  });
});

describe('saysUnsupported', () => {
  const err = (status: number, codes: string[] = [], text = '') =>
    new FhirFetchError('http-status', 'x', status, { codes, text });
  it('404/405/501 to a search; 400/422 only when the OperationOutcome says so', () => {
    expect(saysUnsupported(err(404), true)).toBe(true);
    expect(saysUnsupported(err(501), true)).toBe(true);
    expect(saysUnsupported(err(400, ['not-supported']), true)).toBe(true);
    expect(saysUnsupported(err(400, ['processing'], 'Unknown search parameter "foo"'), true)).toBe(true);
    expect(saysUnsupported(err(400, ['invalid'], 'bad date'), true)).toBe(false);
  });
  it('never for a missing resource, 401, 403, 5xx or a cap', () => {
    expect(saysUnsupported(err(404), false)).toBe(false);
    for (const s of [401, 403, 500, 503])
      expect(saysUnsupported(err(s, ['not-supported']), true)).toBe(false);
    expect(saysUnsupported(new FhirFetchError('too-many-pages', 'x'), true)).toBe(false);
  });
});

describe('CapabilityCache', () => {
  const statement = capabilityStatement('4.0.1', { Observation: undefined });

  it('one read per server for the TTL, shared by concurrent calls; read again after it', async () => {
    let now = 0;
    let reads = 0;
    const cache = new CapabilityCache({ ttlMs: 1000, now: () => now });
    const load = async () => (reads++, statement);
    await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)]);
    expect(reads).toBe(1);
    now = 999;
    await cache.get('a', load);
    expect(reads).toBe(1);
    now = 1000;
    expect((await cache.get('a', load)).release).toBe('R4');
    expect(reads).toBe(2);
    await cache.get('b', load);
    expect(reads).toBe(3);
  });

  it('a passing failure is not remembered; "no usable statement" is, for the shorter time', async () => {
    let now = 0;
    let reads = 0;
    const cache = new CapabilityCache({ ttlMs: 10_000, unknownTtlMs: 100, now: () => now });
    expect(await cache.get('a', async () => (reads++, Promise.reject(new Error('timeout'))))).toBe(
      UNKNOWN_CAPABILITIES,
    );
    await cache.get('a', async () => (reads++, undefined));
    expect(reads).toBe(2);
    now = 99;
    await cache.get('a', async () => (reads++, statement));
    expect(reads).toBe(2);
    now = 100;
    expect((await cache.get('a', async () => (reads++, statement))).release).toBe('R4');
    expect(reads).toBe(3);
  });
});

describe('planQuery: codes with any system (the fallback)', () => {
  it('drops the system of each `code` token, once per code, keeping explicit no-system tokens', () => {
    const plan = planQuery(
      'Observation?patient=p1&code=http://loinc.org|2160-0,urn:oid:2.16.840.1.113883.6.1|2160-0,|local-1&_sort=-date',
      UNKNOWN_CAPABILITIES,
      { anyCodeSystem: true },
    );
    expect(plan.kind === 'attempts' && plan.attempts[0]!.query).toBe(
      'Observation?patient=p1&code=2160-0,|local-1&_sort=-date',
    );
    // A code without a system is sent as written.
    const plain = planQuery('ChargeItem?patient=p1&code=J0897', UNKNOWN_CAPABILITIES, {
      anyCodeSystem: true,
    });
    expect(plain.kind === 'attempts' && plain.attempts[0]!.query).toBe('ChargeItem?patient=p1&code=J0897');
  });
});
