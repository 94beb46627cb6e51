import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/paths.js';
import { argumentsOf, instructionsOf, propertiesOf, readDockerfileStages } from './dockerfile-stages.js';

/**
 * There is no Docker engine on the development machines, so the image's promises are checked on the
 * Dockerfile itself, parsed by dockerfile-ast. (scripts/runtime-check.ts proves the runtime stage's contents run.)
 */
const stages = readDockerfileStages();
const runtime = stages.at(-1)!;
const build = stages.find((s) => s.name === 'build');
const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as {
  version: string;
  main: string;
};

// An official Node image (no registry prefix), an LTS major 22 or 24, the slim variant; a digest may pin it further.
const OFFICIAL_NODE_SLIM =
  /^(docker\.io\/library\/)?node:(22|24)(\.\d+){0,2}-(bookworm-|bullseye-|trixie-)?slim(@sha256:[a-f0-9]{64})?$/;

describe('Dockerfile', () => {
  it('has no `# syntax` directive: BuildKit would download a frontend image for it, and offline builds fail', () => {
    const text = readFileSync(projectPath('Dockerfile'), 'utf8');
    expect(text).not.toMatch(/^#\s*syntax\s*=/im);
  });

  it('is multi-stage, with a named build stage and the runtime stage last', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build).toBeDefined();
    expect(runtime.name).toBe('runtime');
  });

  it('runs on an official slim Node image pinned to an LTS major (22 or 24), in every stage', () => {
    for (const stage of stages) expect(stage.image).toMatch(OFFICIAL_NODE_SLIM);
  });

  it('builds from the lockfile and compiles TypeScript in the build stage', () => {
    const runs = instructionsOf(build!, 'RUN').map(argumentsOf);
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm install\b/.test(r))).toBe(false);
  });

  it('installs production dependencies only in the runtime stage, from the lockfile', () => {
    const runs = instructionsOf(runtime, 'RUN').map(argumentsOf);
    const installs = runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/\bnpm ci\b.*--omit=dev/);
    const copies = instructionsOf(runtime, 'COPY').map(argumentsOf);
    expect(copies.some((c) => c.includes('package-lock.json'))).toBe(true);
    // node_modules from the build stage would bring the dev dependencies along.
    expect(copies.some((c) => c.includes('node_modules'))).toBe(false);
  });

  it('copies the build output and the data folders the app reads into the runtime stage, and no sources or tests', () => {
    const copies = instructionsOf(runtime, 'COPY').map(argumentsOf);
    for (const folder of ['dist', 'hooks', 'cards', 'valuesets']) {
      expect(copies.some((c) => new RegExp(`/app/${folder}\\b`).test(c))).toBe(true);
    }
    expect(copies.some((c) => /(^|\s)(\.\/)?(src|test)\b/.test(c))).toBe(false);
  });

  it('copies only the compiled service and operator commands from dist/, never the demo fixtures', () => {
    const fromBuild = instructionsOf(runtime, 'COPY')
      .map(argumentsOf)
      .filter((c) => c.startsWith('/app/dist'));
    expect(fromBuild).toEqual(['/app/dist/src ./dist/src', '/app/dist/scripts ./dist/scripts']);
    const buildStageCopies = instructionsOf(build!, 'COPY').map(argumentsOf);
    // The build stage compiles fixtures/ (the demo loader and a local `npm start` use them); the image does not.
    expect(buildStageCopies.some((c) => /^fixtures\b/.test(c))).toBe(true);
  });

  it('sets NODE_ENV=production, HOST=0.0.0.0 and exposes the port it listens on', () => {
    const env = propertiesOf(runtime, 'ENV');
    expect(env.get('NODE_ENV')).toBe('production');
    expect(env.get('HOST')).toBe('0.0.0.0');
    const exposed = instructionsOf(runtime, 'EXPOSE').map(argumentsOf);
    expect(exposed).toHaveLength(1);
    expect(exposed[0]).toBe(env.get('PORT'));
  });

  it('runs as a non-root user, set before the command', () => {
    const users = instructionsOf(runtime, 'USER').map(argumentsOf);
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const keywords = runtime.instructions.map((i) => i.getKeyword());
    expect(keywords.indexOf('USER')).toBeLessThan(keywords.indexOf('CMD'));
    // Nothing after USER may need root.
    expect(keywords.slice(keywords.indexOf('USER')).includes('RUN')).toBe(false);
  });

  it('starts the same entry point as `npm start`, in exec form so SIGTERM reaches node', () => {
    const cmds = instructionsOf(runtime, 'CMD');
    expect(cmds).toHaveLength(1);
    expect(cmds[0]!.getRawArgumentsContent()).toBe(`["node", "${pkg.main}"]`);
    expect(instructionsOf(runtime, 'ENTRYPOINT')).toHaveLength(0);
  });

  it('has a HEALTHCHECK that uses node and a script the image contains (no curl or wget in slim images)', () => {
    const checks = instructionsOf(runtime, 'HEALTHCHECK').map(argumentsOf);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatch(/\bCMD\b.*\bnode\b.*scripts\/healthcheck\.mjs/);
    expect(checks[0]).not.toMatch(/\b(curl|wget)\b/);
    const copies = instructionsOf(runtime, 'COPY').map(argumentsOf);
    expect(copies.some((c) => c.includes('scripts/healthcheck.mjs'))).toBe(true);
    expect(existsSync(projectPath('scripts/healthcheck.mjs'))).toBe(true);
  });

  it('stops with SIGTERM', () => {
    expect(instructionsOf(runtime, 'STOPSIGNAL').map(argumentsOf)).toEqual(['SIGTERM']);
  });

  it('carries OCI labels, with the package version', () => {
    const labels = propertiesOf(runtime, 'LABEL');
    for (const name of ['title', 'description', 'version', 'licenses']) {
      expect(labels.get(`org.opencontainers.image.${name}`)).toBeTruthy();
    }
    expect(labels.get('org.opencontainers.image.version')).toBe(pkg.version);
  });

  it('keeps the demo loader runnable from the build stage (demo/ and the wait script are copied)', () => {
    const copies = instructionsOf(build!, 'COPY').map(argumentsOf);
    expect(copies.some((c) => /^demo\b/.test(c))).toBe(true);
    expect(copies.some((c) => c.includes('docker/wait-for-http.mjs'))).toBe(true);
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync(projectPath('.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps tests, .git, local data, secrets and installed modules out of the build context', () => {
    for (const entry of ['.git', 'test', 'data', '.env', 'node_modules', 'dist', 'coverage']) {
      expect(ignored).toContain(entry);
    }
  });

  it('does not ignore anything the Dockerfile copies', () => {
    for (const needed of [
      'src',
      'hooks',
      'cards',
      'valuesets',
      'demo',
      'fixtures',
      'scripts',
      'package.json',
      'package-lock.json',
    ]) {
      expect(ignored).not.toContain(needed);
    }
  });
});
