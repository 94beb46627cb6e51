import { describe, expect, it } from 'vitest';
import { configEnvNames, readmeEnvNames } from '../scripts/check-lib/service-env.js';

/** Every environment variable the configuration reads is documented in the README's Configuration tables. */
describe('README documents the configuration', () => {
  it('lists every variable loadConfig reads', () => {
    const read = configEnvNames();
    const documented = readmeEnvNames();
    expect(read.size).toBeGreaterThan(40);
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });
});
