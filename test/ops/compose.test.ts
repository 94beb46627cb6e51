import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/paths.js';
import { loadConfig } from '../../src/config/index.js';
import { parseEnvFile } from '../../scripts/check-lib/kube-objects.js';
import { serviceEnvNames } from '../../scripts/check-lib/service-env.js';

/**
 * The fast checks of the compose stack (`npm run check:compose` brings it up for real): the expected services,
 * pinned images, only variables the service reads, loopback-only ports, a read-only service, and an example
 * .env the service accepts in production.
 */
interface ComposeService {
  image?: string;
  build?: { target?: string };
  environment?: Record<string, string | null>;
  env_file?: unknown;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  tmpfs?: unknown;
  volumes?: string[];
  stop_grace_period?: string;
  command?: string[];
  restart?: string;
}
const compose = parse(readFileSync(projectPath('docker/compose.yaml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const exampleEnv = parseEnvFile(
  readFileSync(projectPath('docker/.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .join('\n'),
);
const service = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`service ${name} not found in docker/compose.yaml`);
  return found;
};

/**
 * Compose interpolation of one value: `${VAR}`, `${VAR:-default}` (defaults may nest) and `${VAR:?message}`.
 * Empty counts as unset for `:-` and `:?`, as in Compose.
 */
export function interpolate(text: string, vars: Record<string, string>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('${', i)) {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text.startsWith('${', j)) {
          depth++;
          j += 2;
        } else {
          if (text[j] === '}') depth--;
          j++;
        }
      }
      const inner = text.slice(i + 2, j - 1);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([\s\S]*))?$/.exec(inner);
      if (!m) throw new Error(`bad interpolation ${inner}`);
      const value = vars[m[1]!];
      if (value !== undefined && value !== '') out += value;
      else if (m[2] === '?') throw new Error(`compose would stop: ${m[3]}`);
      else if (m[2] === '-') out += interpolate(m[3] ?? '', vars);
      i = j;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/** The `cds` service's environment as the container gets it: interpolated, names without a value passed through. */
function serviceEnvironment(vars: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(service('cds').environment ?? {})) {
    if (value === null) {
      if (vars[name] !== undefined) env[name] = vars[name];
    } else {
      env[name] = interpolate(String(value), vars);
    }
  }
  return env;
}

describe('docker/compose.yaml', () => {
  it('has the service, PostgreSQL, Redis, a FHIR server and the demo loader', () => {
    for (const name of ['cds', 'postgres', 'redis', 'fhir', 'fhir-loader'])
      expect(() => service(name)).not.toThrow();
  });

  it('pins every pulled image to a version (never latest)', () => {
    const pulled = Object.values(compose.services)
      .map((s) => s.image)
      .filter((i): i is string => i !== undefined && !i.endsWith(':local'));
    expect(pulled.length).toBeGreaterThanOrEqual(3);
    for (const image of pulled) expect(image).toMatch(/:(v?\d+(\.\d+)*)(-[a-z0-9.-]+)?$/);
    expect(service('fhir').image).toMatch(/^hapiproject\/hapi:v\d+\.\d+\.\d+$/);
  });

  it('builds the service from the runtime stage and the loader from the build stage', () => {
    expect(service('cds').build?.target).toBe('runtime');
    expect(service('fhir-loader').build?.target).toBe('build');
    expect(service('fhir-loader').command?.join(' ')).toMatch(
      /npm run demo:load -- --fhir http:\/\/fhir:8080\/fhir/,
    );
    expect(service('fhir-loader').restart).toBe('no');
  });

  it('passes the service only variables it reads, and no env_file (which would pass all of docker/.env)', () => {
    const read = serviceEnvNames();
    const names = Object.keys(service('cds').environment ?? {});
    expect(names.filter((n) => !read.has(n))).toEqual([]);
    expect(names).toContain('CDS_TRUSTED_ISSUERS');
    for (const s of Object.values(compose.services)) expect(s.env_file).toBeUndefined();
  });

  it('publishes ports on loopback unless the operator says otherwise', () => {
    for (const name of ['cds', 'fhir']) {
      for (const port of service(name).ports ?? []) {
        expect(interpolate(port, {})).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
        expect(interpolate(port, { CDS_BIND: '0.0.0.0', FHIR_BIND: '0.0.0.0' })).toMatch(/^0\.0\.0\.0:/);
      }
    }
  });

  it('derives PUBLIC_BASE_URL from CDS_PORT unless it is set', () => {
    const vars = { PATIENT_HASH_SECRET: 'x'.repeat(40) };
    expect(serviceEnvironment({ ...vars, CDS_PORT: '3400' }).PUBLIC_BASE_URL).toBe('http://localhost:3400');
    expect(serviceEnvironment(vars).PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(serviceEnvironment({ ...vars, PUBLIC_BASE_URL: 'https://cds.example.org' }).PUBLIC_BASE_URL).toBe(
      'https://cds.example.org',
    );
  });

  it('waits for PostgreSQL to be healthy but not for Redis (only the replay cache of CDS_AUTH=required)', () => {
    expect(service('cds').depends_on?.postgres?.condition).toBe('service_healthy');
    expect(service('cds').depends_on?.redis?.condition).toBe('service_started');
  });

  it('runs the service read-only, writing only to its /app/data volume', () => {
    expect(service('cds').read_only).toBe(true);
    expect(service('cds').tmpfs).toBeUndefined();
    expect(service('cds').volumes).toEqual(['cds-data:/app/data']);
  });

  it('gives the service longer to stop than its own shutdown deadline', () => {
    const grace = Number(/^(\d+)s$/.exec(service('cds').stop_grace_period ?? '')?.[1]);
    expect(grace * 1000).toBeGreaterThan(Number(serviceEnvironment(exampleEnv).SHUTDOWN_TIMEOUT_MS));
  });
});

describe('docker/.env.example', () => {
  it('gives a working service through compose alone (`cp docker/.env.example docker/.env`)', () => {
    const env: Record<string, string> = {
      ...serviceEnvironment(exampleEnv),
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
    };
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/cds:.+@postgres:5432\/cds$/);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('makes compose stop with a message when PATIENT_HASH_SECRET is missing', () => {
    expect(() => serviceEnvironment({})).toThrow(/PATIENT_HASH_SECRET/);
  });

  it('with CDS_AUTH=required and an issuer, the stack starts (CDS_TRUSTED_ISSUERS reaches the service)', () => {
    const issuers = JSON.stringify([
      { iss: 'https://ehr.example.org', jwks_uri: 'https://ehr.example.org/jwks' },
    ]);
    const env: Record<string, string> = {
      ...serviceEnvironment({ ...exampleEnv, CDS_AUTH: 'required', CDS_TRUSTED_ISSUERS: issuers }),
      NODE_ENV: 'production',
    };
    expect(env.CDS_TRUSTED_ISSUERS).toBe(issuers);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('only sets variables that compose or the service use', () => {
    const composeVariables = new Set(
      [...readFileSync(projectPath('docker/compose.yaml'), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map(
        (m) => m[1]!,
      ),
    );
    const passedThrough = new Set(Object.keys(service('cds').environment ?? {}));
    expect(Object.keys(exampleEnv).filter((n) => !composeVariables.has(n) && !passedThrough.has(n))).toEqual(
      [],
    );
  });
});
