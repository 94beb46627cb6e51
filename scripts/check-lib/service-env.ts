import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/index.js';
import { projectPath } from '../../src/paths.js';

/** Every environment variable name `loadConfig` asks for (recorded through a proxy environment). */
export function configEnvNames(): Set<string> {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, key) {
      if (typeof key === 'string' && /^[A-Z][A-Z0-9_]+$/.test(key)) read.add(key);
      return undefined;
    },
  });
  loadConfig(env);
  return read;
}

/** The variables of the README's configuration table (one row per variable: `| \`NAME\` | …`). */
export function readmeEnvNames(): Set<string> {
  const readme = readFileSync(projectPath('README.md'), 'utf8');
  return new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
}

/**
 * The environment variables the service reads, taken from the code itself (`configEnvNames`), plus the README
 * configuration table (variables read outside `loadConfig`, e.g. by the container HEALTHCHECK script). Nothing is
 * listed by hand here.
 */
export function serviceEnvNames(): Set<string> {
  return new Set([...configEnvNames(), ...readmeEnvNames()]);
}

/** The image's own defaults (Dockerfile runtime ENV), for variables a manifest leaves unset. */
export function imageEnvDefaults(): Record<string, string> {
  const dockerfile = readFileSync(projectPath('Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const defaults: Record<string, string> = {};
  // ENV instructions in the `ENV A=1 \ B=2` form, continuation lines included.
  for (const block of runtime.matchAll(/^ENV\s+((?:[^\n]*\\\n)*[^\n]*)/gm)) {
    for (const pair of block[1]!.matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)) {
      defaults[pair[1]!] = pair[2]!.replace(/^"|"$/g, '');
    }
  }
  return defaults;
}
