import { describe, expect, it } from 'vitest';
import { parseCapabilities, UNKNOWN_CAPABILITIES } from '../../src/protocol/prefetch/capabilities.js';
import { planQuery } from '../../src/protocol/prefetch/query-plan.js';
import { capabilityStatement, EPIC, HAPI } from './vendor-profiles.js';

/**
 * Issue 16 item 4: a lab sent as a component of a panel Observation (a CMP's calcium or creatinine) is found by the
 * fallback only with `combo-code`, which matches the code or a component's code. It is sent only where the server's
 * statement declares it: a lenient server would ignore an unknown parameter and answer every Observation of the
 * patient.
 */
const TEMPLATE = 'Observation?patient=p1&code=http://loinc.org|17861-6,http://loinc.org|2160-0&_sort=-date';
const queries = (caps: ReturnType<typeof parseCapabilities>) => {
  const plan = planQuery(TEMPLATE, caps, { anyCodeSystem: true });
  return plan.kind === 'attempts' ? plan.attempts.map((a) => decodeURIComponent(a.query)) : [];
};

describe('Observation fallback: combo-code where declared', () => {
  it('a server declaring combo-code (HAPI) is asked by combo-code, then without the filter (applied locally)', () => {
    const sent = queries(parseCapabilities(HAPI.behaviour.capabilityStatement!));
    expect(sent[0]).toBe('Observation?patient=p1&combo-code=17861-6,2160-0&_sort=-date');
    expect(sent.every((q) => !/(^|[&?])code=/.test(q))).toBe(true);
    expect(sent.at(-1)).toBe('Observation?patient=p1');
  });

  it('a server declaring only code, or declaring nothing, is asked by code', () => {
    const codeOnly = parseCapabilities(
      capabilityStatement('4.0.1', { Observation: ['patient', 'code', '_sort'] }),
    );
    expect(queries(codeOnly)[0]).toBe('Observation?patient=p1&code=17861-6,2160-0&_sort=-date');
    expect(queries(UNKNOWN_CAPABILITIES)[0]).toBe('Observation?patient=p1&code=17861-6,2160-0&_sort=-date');
    expect(queries(parseCapabilities(EPIC.behaviour.capabilityStatement!)).join(' ')).not.toContain(
      'combo-code',
    );
  });
});
