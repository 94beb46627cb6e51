import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { projectPath } from '../src/paths.js';

/** Every environment variable the configuration reads is documented in the README's Configuration tables. */
describe('README documents the configuration', () => {
  it('lists every variable loadConfig reads', () => {
    const read = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get(_target, key) {
        if (typeof key === 'string' && /^[A-Z][A-Z0-9_]+$/.test(key)) read.add(key);
        return undefined;
      },
    });
    loadConfig(env);
    const readme = readFileSync(projectPath('README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    expect(read.size).toBeGreaterThan(40);
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });
});
