/**
 * Reproduces the Dockerfile's runtime stage without Docker, then checks the result serves:
 *
 *   1. a temporary directory gets package.json + package-lock.json and `npm ci --omit=dev` (production deps only);
 *   2. the TypeScript build (`npm run build`'s tsc project) is compiled into its dist/;
 *   3. the data folders the app reads (hooks/, cards/, valuesets/) and the HEALTHCHECK script are copied in;
 *   4. `node dist/src/server.js` starts with the image's environment (NODE_ENV=production) on a free port;
 *   5. /healthz, /readyz, discovery, one hook call, /metrics and the HEALTHCHECK script are checked, and the image
 *      holds no demo data (no compiled file carries the demo tag; /preview answers 404);
 *   6. SIGTERM stops it with exit code 0;
 *   7. the operator commands the image carries compiled (`node dist/scripts/migrate.js`, `node dist/scripts/report.js`)
 *      run against the store the server left behind, and the report counts the cards of the hook call (nothing lost
 *      on shutdown).
 *
 * Usage: `npx tsx scripts/runtime-check.ts [--keep]` (prints a JSON report). Also run by test/ops/runtime-check.test.ts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectPath } from '../src/paths.js';
import { DEMO_TAG } from '../fixtures/fhir-builders.js';

const run = promisify(execFile);

/** What the image's ENV lines and the compose example set, minus secrets worth keeping: the production start. */
export const RUNTIME_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  // The image listens on 0.0.0.0; here loopback is enough and exposes nothing.
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  // The image leaves authentication to the operator; this check calls without an EHR token, so it says so.
  CDS_AUTH: 'off',
  PUBLIC_BASE_URL: 'http://127.0.0.1',
  PATIENT_HASH_SECRET: 'runtime-check-secret-0123456789abcdef',
};

export interface RuntimeCheckReport {
  directory: string;
  npmCiMs: number;
  /** True when node_modules came from an earlier identical `npm ci --omit=dev` (see installProductionDependencies). */
  npmCiCached: boolean;
  buildMs: number;
  /** From spawning `node dist/src/server.js` to the first 200 from /healthz. */
  startToLiveMs: number;
  /** From spawning to the first 200 from /readyz. */
  startToReadyMs: number;
  hookCallMs: number;
  cards: number;
  discoveryServices: string[];
  devDependenciesInstalled: string[];
  healthcheckScriptExit: number | null;
  metricsHaveHookSeries: boolean;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** Exit code of `node dist/scripts/migrate.js` after the server stopped. */
  migrateExit: number | null;
  /** Cards shown according to `node dist/scripts/report.js --json` after the server stopped (null if it failed). */
  reportedCardsShown: number | null;
  /** Files of the image's dist/ that carry the demo fixtures' tag (synthetic patients): none in production. */
  demoDataFiles: string[];
  /** What GET /preview answers in the image (the page is a development tool; 404 in production). */
  previewStatus: number;
}

/** Files under `dir` whose text contains the demo fixtures' tag. */
function filesWithDemoData(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && readFileSync(join(e.parentPath, e.name), 'utf8').includes(DEMO_TAG.system))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

export const patientViewCall = () => ({
  hook: 'patient-view',
  hookInstance: crypto.randomUUID(),
  context: { patientId: 'p1', userId: 'Practitioner/1' },
  prefetch: {
    patient: { resourceType: 'Patient', id: 'p1', birthDate: '1950-01-01', gender: 'female' },
    // A denosumab dose about nine months ago: lapsed, so the call returns a card (and the card log has a row).
    medicationAdministrations: {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        {
          resource: {
            resourceType: 'MedicationAdministration',
            id: 'ma1',
            status: 'completed',
            medicationCodeableConcept: {
              coding: [
                {
                  system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
                  code: '993452',
                  display: '1 ML denosumab 60 MG/ML Prefilled Syringe',
                },
              ],
            },
            subject: { reference: 'Patient/p1' },
            effectiveDateTime: new Date(Date.now() - 270 * 86_400_000).toISOString().slice(0, 10),
            dosage: { dose: { value: 60, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
          },
        },
      ],
    },
    medicationStatements: null,
    medicationRequests: null,
    conditions: null,
    procedures: null,
    observations: null,
    medicationDispenses: null,
    chargeItems: null,
  },
});

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** Poll a URL until it answers 200; returns the time it took. Gives up if the process dies first. */
async function waitFor200(
  url: string,
  child: ChildProcess,
  since: number,
  limitMs = 60_000,
): Promise<number> {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode} before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return performance.now() - since;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - since > limitMs)
      throw new Error(`${url} did not answer 200 within ${limitMs} ms`);
    await sleep(25);
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

/**
 * `npm ci --omit=dev` in `dir`. Building better-sqlite3 from source takes minutes where its prebuilt binary cannot
 * be downloaded, so the installed tree is kept per (lockfile, package.json, Node version, platform) in the temp
 * folder and copied on later runs; `freshInstall` (or RUNTIME_CHECK_FRESH_INSTALL=1) always installs anew.
 * Returns whether the cache was used.
 */
async function installProductionDependencies(dir: string, freshInstall: boolean): Promise<boolean> {
  const key = createHash('sha256')
    .update(readFileSync(join(dir, 'package-lock.json')))
    .update(readFileSync(join(dir, 'package.json')))
    .update(`${process.version} ${process.platform} ${process.arch}`)
    .digest('hex')
    .slice(0, 24);
  const cached = join(tmpdir(), 'cds-runtime-check-cache', key, 'node_modules');
  if (!freshInstall && existsSync(cached)) {
    cpSync(cached, join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    return true;
  }
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  });
  // Copy then rename, so a concurrent run never sees a half-written cache.
  const staging = `${cached}.${process.pid}`;
  cpSync(join(dir, 'node_modules'), staging, { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(staging, cached);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return false;
}

export async function runRuntimeCheck(
  options: { keep?: boolean; freshInstall?: boolean; log?: (line: string) => void } = {},
) {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'cds-runtime-'));
  let child: ChildProcess | undefined;
  const childErr: string[] = [];
  try {
    // COPY package.json package-lock.json ./ ; RUN npm ci --omit=dev
    for (const f of ['package.json', 'package-lock.json']) cpSync(projectPath(f), join(dir, f));
    log('npm ci --omit=dev');
    const [npmCiCached, npmCiMs] = await timed(() =>
      installProductionDependencies(dir, options.freshInstall ?? false),
    );
    const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { devDependencies: object };
    // Only dev-only packages count: one that is also a production dependency's dependency (the lockfile does not
    // mark it "dev", e.g. yaml through @fastify/swagger) belongs in the image.
    const lock = JSON.parse(readFileSync(projectPath('package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.keys(pkg.devDependencies).filter(
      (d) => lock.packages[`node_modules/${d}`]?.dev === true,
    );
    const devDependenciesInstalled = devOnly.filter((d) => existsSync(join(dir, 'node_modules', d)));

    // COPY --from=build /app/dist ./dist (the build stage runs `npm run build` and the operator commands' project,
    // which compiles the same src/ plus scripts/report.ts and scripts/migrate.ts)
    log('tsc -p scripts/tsconfig.ops.json');
    const tsc = projectPath('node_modules', 'typescript', 'bin', 'tsc');
    const [, buildMs] = await timed(() =>
      run(
        process.execPath,
        [tsc, '-p', projectPath('scripts', 'tsconfig.ops.json'), '--outDir', join(dir, 'dist')],
        { cwd: projectPath(), maxBuffer: 16 * 1024 * 1024 },
      ),
    );

    // COPY hooks, cards, valuesets, scripts/healthcheck.mjs; RUN mkdir data
    for (const folder of ['hooks', 'cards', 'valuesets']) {
      cpSync(projectPath(folder), join(dir, folder), { recursive: true });
    }
    mkdirSync(join(dir, 'scripts'));
    cpSync(projectPath('scripts', 'healthcheck.mjs'), join(dir, 'scripts', 'healthcheck.mjs'));
    mkdirSync(join(dir, 'data'));

    // CMD ["node", "dist/src/server.js"] with the image's environment only (not the developer's shell).
    const port = await freePort();
    const env = { PATH: process.env.PATH ?? '', HOME: dir, ...RUNTIME_ENV, PORT: String(port) };
    const base = `http://127.0.0.1:${port}`;
    log(`node dist/src/server.js on ${base}`);
    const spawned = performance.now();
    child = spawn(process.execPath, ['dist/src/server.js'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => childErr.push(d.toString()));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child!.once('exit', (code, signal) => resolve([code, signal])),
    );

    const startToLiveMs = await waitFor200(`${base}/healthz`, child, spawned);
    const startToReadyMs = await waitFor200(`${base}/readyz`, child, spawned);

    const discovery = (await (await fetch(`${base}/cds-services`)).json()) as { services: { id: string }[] };
    const [hookResponse, hookCallMs] = await timed(async () => {
      const res = await fetch(`${base}/cds-services/osteoporosis-patient-view`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(patientViewCall()),
      });
      return { status: res.status, body: (await res.json()) as { cards?: unknown[] } };
    });
    if (hookResponse.status !== 200 || !Array.isArray(hookResponse.body.cards)) {
      throw new Error(`hook call answered ${hookResponse.status}`);
    }

    // HEALTHCHECK CMD ["node", "scripts/healthcheck.mjs"]
    const healthcheckScriptExit = await new Promise<number | null>((resolve) =>
      spawn(process.execPath, ['scripts/healthcheck.mjs'], { cwd: dir, env, stdio: 'ignore' }).once(
        'exit',
        resolve,
      ),
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const previewStatus = (await fetch(`${base}/preview`)).status;

    // STOPSIGNAL SIGTERM
    child.kill('SIGTERM');
    const [exitCode, exitSignal] = await exited;

    // docker compose exec cds node dist/scripts/migrate.js | report.js --json
    const command = (script: string, args: string[] = []) =>
      run(process.execPath, [`dist/scripts/${script}`, ...args], { cwd: dir, env }).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (err: { code?: number; stdout?: string }) => ({
          code: typeof err.code === 'number' ? err.code : 1,
          stdout: err.stdout ?? '',
        }),
      );
    const migrate = await command('migrate.js');
    const report = await command('report.js', ['--json', '--days', '1']);
    let reportedCardsShown: number | null = null;
    if (report.code === 0) {
      const analytics = JSON.parse(report.stdout) as { groups: { shown: number }[] };
      reportedCardsShown = analytics.groups.reduce((sum, g) => sum + g.shown, 0);
    }

    const result: RuntimeCheckReport = {
      directory: dir,
      npmCiMs: Math.round(npmCiMs),
      npmCiCached,
      buildMs: Math.round(buildMs),
      startToLiveMs: Math.round(startToLiveMs),
      startToReadyMs: Math.round(startToReadyMs),
      hookCallMs: Math.round(hookCallMs),
      cards: hookResponse.body.cards.length,
      discoveryServices: discovery.services.map((s) => s.id),
      devDependenciesInstalled,
      healthcheckScriptExit,
      metricsHaveHookSeries:
        /cds_hook_request_duration_seconds_count\{service="osteoporosis-patient-view"/.test(metrics),
      exitCode,
      exitSignal,
      migrateExit: migrate.code,
      reportedCardsShown,
      demoDataFiles: filesWithDemoData(join(dir, 'dist')),
      previewStatus,
    };
    return result;
  } catch (err) {
    const output = err as { stdout?: string; stderr?: string };
    const detail = [output.stdout, output.stderr, childErr.join('')].filter(Boolean).join('\n').slice(-3000);
    throw new Error(`${err instanceof Error ? err.message : String(err)}${detail ? `\n${detail}` : ''}`, {
      cause: err,
    });
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  runRuntimeCheck({
    keep: process.argv.includes('--keep'),
    freshInstall: process.argv.includes('--fresh') || process.env.RUNTIME_CHECK_FRESH_INSTALL === '1',
    log: (l) => process.stderr.write(`runtime-check: ${l}\n`),
  })
    .then((report) => {
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      const ok =
        report.exitCode === 0 &&
        report.healthcheckScriptExit === 0 &&
        report.migrateExit === 0 &&
        report.reportedCardsShown === report.cards &&
        report.demoDataFiles.length === 0 &&
        report.previewStatus === 404 &&
        report.devDependenciesInstalled.length === 0;
      process.exit(ok ? 0 : 1);
    })
    .catch((err: unknown) => {
      process.stderr.write(`runtime-check failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
