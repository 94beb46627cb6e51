import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/paths.js';
import { loadConfig } from '../../src/config/index.js';

/**
 * The compose stack cannot be started here; these checks keep its file honest: the expected services, pinned
 * images, the loader wired to the demo loader, and an example .env the service accepts in production.
 */
const compose = readFileSync(projectPath('docker/compose.yaml'), 'utf8');
const exampleEnv = readFileSync(projectPath('docker/.env.example'), 'utf8');

/** The text of one top-level service block (two-space indented key under `services:`). */
function serviceBlock(name: string): string {
  const match = new RegExp(`^  ${name}:\\n((?:    .*\\n|\\s*\\n)*)`, 'm').exec(compose);
  if (!match) throw new Error(`service ${name} not found in docker/compose.yaml`);
  return match[1]!;
}

function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

describe('docker/compose.yaml', () => {
  it('has the service, PostgreSQL, Redis, a FHIR server and the demo loader', () => {
    for (const name of ['cds', 'postgres', 'redis', 'fhir', 'fhir-loader'])
      expect(() => serviceBlock(name)).not.toThrow();
  });

  it('pins every pulled image to a version (never latest)', () => {
    const images = [...compose.matchAll(/^\s+image:\s*(\S+)/gm)].map((m) => m[1]!);
    const pulled = images.filter((i) => !i.endsWith(':local'));
    expect(pulled.length).toBeGreaterThanOrEqual(3);
    for (const image of pulled) expect(image).toMatch(/:(v?\d+(\.\d+)*)(-[a-z0-9.-]+)?$/);
    expect(serviceBlock('fhir')).toMatch(/image: hapiproject\/hapi:v\d+\.\d+\.\d+/);
  });

  it('builds the service from the runtime stage and the loader from the build stage', () => {
    expect(serviceBlock('cds')).toMatch(/target: runtime/);
    expect(serviceBlock('fhir-loader')).toMatch(/target: build/);
    expect(serviceBlock('fhir-loader')).toMatch(/npm run demo:load -- --fhir http:\/\/fhir:8080\/fhir/);
    expect(serviceBlock('fhir-loader')).toMatch(/restart: ['"]no['"]/);
  });

  it('gives the service longer to stop than its own shutdown deadline', () => {
    const grace = /stop_grace_period: (\d+)s/.exec(serviceBlock('cds'));
    const deadline = Number(parseEnvFile(exampleEnv).SHUTDOWN_TIMEOUT_MS);
    expect(Number(grace?.[1]) * 1000).toBeGreaterThan(deadline);
  });
});

/** The `cds` service's `environment:` entries, interpolated the way compose does with the given variables. */
function interpolatedServiceEnvironment(vars: Record<string, string>): Record<string, string> {
  const block = /^ {4}environment:\n((?: {6}.*\n)*)/m.exec(serviceBlock('cds'))?.[1] ?? '';
  const env: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const m = /^\s+([A-Z][A-Z0-9_]*): (.*)$/.exec(line);
    if (!m) continue;
    env[m[1]!] = m[2]!.replace(
      /\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
      (_all, name: string, op?: string, arg?: string) => {
        const value = vars[name];
        if (value !== undefined && value !== '') return value;
        if (op === '?') throw new Error(`compose would stop: ${arg}`);
        return op === '-' ? (arg ?? '') : '';
      },
    );
  }
  return env;
}

describe('docker/.env.example', () => {
  it('gives a working service through compose interpolation alone (`--env-file docker/.env.example`)', () => {
    const env: Record<string, string> = {
      ...interpolatedServiceEnvironment(parseEnvFile(exampleEnv)),
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
    };
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/cds:.+@postgres:5432\/cds$/);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('makes compose stop with a message when PATIENT_HASH_SECRET is missing', () => {
    expect(() => interpolatedServiceEnvironment({})).toThrow(/PATIENT_HASH_SECRET/);
  });

  it('is a configuration the service accepts under NODE_ENV=production (as the image sets it)', () => {
    const env = {
      ...parseEnvFile(exampleEnv),
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://cds:secret@postgres:5432/cds',
      REDIS_URL: 'redis://redis:6379',
    };
    expect(() => loadConfig(env)).not.toThrow();
  });
});
