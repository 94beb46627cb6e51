import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/paths.js';
import { compileTerminology } from '../../src/clinical/terminology/valuesets.js';

/** The fallback query narrows Observations by code: every lab the rules read must be in it, or it is never fetched. */
describe('Observation prefetch template', () => {
  it('asks for every LOINC code of the bone-labs value set', () => {
    const templates = JSON.parse(readFileSync(projectPath('hooks/prefetch-templates.json'), 'utf8')) as {
      prefetch: Record<string, string>;
    };
    const observations = Object.values(templates.prefetch).find((t) => t.startsWith('Observation?'))!;
    const query = new URLSearchParams(observations.split('?')[1]);
    const asked = new Set((query.get('code') ?? '').split(',').map((c) => c.split('|').pop()));
    const labs = compileTerminology()
      .concepts()
      .filter((c) => c.valueSet === 'bone-labs');
    expect(labs.length).toBeGreaterThan(20);
    expect(labs.map((c) => c.code).filter((c) => !asked.has(c))).toEqual([]);
  });
});
