import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adversarialMain, runAdversarial } from './adversarial.js';
import { loadProductionService, measureInProcess } from './in-process.js';
import { benchFallback } from './fallback.js';
import { runLoad, warmUp, type LoadResult } from './load.js';
import { generatePatient, PATIENT_SIZES, type PatientSize, type SyntheticPatient } from './patients.js';
import { freePort, spawnServer, untilReady, type RunningProcess } from './processes.js';
import { formatReport } from './report.js';
import { hookRequest, PER_REQUEST_ID, SERVICE_PATH, type BenchHook } from './requests.js';
import type { BenchRun, ScenarioResult, StallResult } from './results-types.js';
import { serviceEnv } from './service-env.js';
import { scrapeMetrics } from './service-metrics.js';
import { soak } from './soak.js';

/**
 * `npm run bench [-- --quick]`: the service (production build, child process) against a static-response
 * Fastify baseline, per patient size, hook and concurrency; then the prefetch fallback, a fixed-rate soak, the
 * event-loop check on the huge patient, and start-up time. Prints the Markdown report and writes it to
 * bench/results/latest.md (and the raw numbers to latest.json). The full run stays under 5 minutes on 2 cores.
 * Last, the adversarial section (bench/adversarial.ts): issue 11's hostile inputs at the body limit.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
/** `--only adversarial`: that section alone (bench/adversarial.ts, which also reads --bytes and --runs). */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const plan = quick
  ? {
      sizes: ['small', 'typical', 'large'] as PatientSize[],
      measureSeconds: 1,
      hugeSeconds: 2,
      warmupSeconds: 0.5,
      startupRuns: 1,
      fallbackSeconds: 1,
      soakSeconds: 5,
      evaluateRuns: 5,
    }
  : {
      sizes: Object.keys(PATIENT_SIZES) as PatientSize[],
      measureSeconds: 3,
      hugeSeconds: 4,
      warmupSeconds: 1,
      startupRuns: 3,
      fallbackSeconds: 4,
      soakSeconds: 60,
      evaluateRuns: 20,
    };
const HOOKS: BenchHook[] = ['order-select', 'patient-view'];
const CONCURRENCY = [1, 10];
const SOAK_RATE = 500;

const wallStart = performance.now();
const log = (message: string) =>
  process.stderr.write(
    `[bench ${((performance.now() - wallStart) / 1000).toFixed(0).padStart(3)} s] ${message}\n`,
  );

async function main() {
  if (only === 'adversarial') return adversarialMain();
  if (only !== undefined) throw new Error(`--only ${only}: the sections that run alone are: adversarial`);
  const work = mkdtempSync(join(tmpdir(), 'cds-bench-'));
  const processes: RunningProcess[] = [];
  try {
    const run = await bench(work, processes);
    await Promise.all(processes.splice(0).map((p) => p.stop()));
    log('adversarial inputs (issue 11)');
    run.adversarial = await runAdversarial({
      ...(quick ? { budgetBytes: 1_048_576 } : {}),
      runs: quick ? 1 : 3,
      log,
    });
    run.wallSeconds = (performance.now() - wallStart) / 1000;
    const report = formatReport(run);
    process.stdout.write(report + '\n');
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, quick ? 'latest-quick.md' : 'latest.md'), report + '\n');
    const jsonFile = join(resultsDir, quick ? 'latest-quick.json' : 'latest.json');
    writeFileSync(jsonFile, await formatJson(run, jsonFile));
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}

async function bench(work: string, processes: RunningProcess[]): Promise<BenchRun> {
  const loadAverageAtStart = loadavg();
  const startedAt = new Date().toISOString();
  const patients = new Map<PatientSize, SyntheticPatient>();
  const bodies = new Map<string, string>();
  for (const size of Object.keys(PATIENT_SIZES) as PatientSize[]) {
    const patient = generatePatient(size);
    patients.set(size, patient);
    for (const hook of HOOKS) {
      bodies.set(
        `${size}-${hook}`,
        JSON.stringify(hookRequest(hook, patient, { hookInstance: PER_REQUEST_ID })),
      );
    }
  }
  const maxRequestBytes = Math.max(...[...bodies.values()].map((b) => Buffer.byteLength(b)));

  // Start-up: spawn → /readyz 200, a few times; the last one stays up for the load runs.
  const startupMs: number[] = [];
  let service!: RunningProcess;
  let env!: Record<string, string>;
  for (let i = 0; i < plan.startupRuns; i++) {
    const port = await freePort();
    env = serviceEnv({ port, sqlitePath: join(work, `feedback-${i}.sqlite`), maxRequestBytes });
    service = await spawnServer({
      name: 'service',
      command: process.execPath,
      args: [join(ROOT, 'dist/src/server.js')],
      env,
      port,
      readyPath: '/readyz',
      logFile: join(work, `service-${i}.log`),
    });
    startupMs.push(service.startupMs);
    if (i < plan.startupRuns - 1) await service.stop();
  }
  processes.push(service);
  log(`service ready in ${startupMs.map((m) => m.toFixed(0)).join(', ')} ms (pid ${service.pid})`);
  const inProcessService = await loadProductionService(env);

  // The real response of every scenario, captured just before its size is measured (so the huge patient does
  // not inflate the smaller sizes' memory figures); the baseline serves exactly these bytes.
  const responses: Record<string, string> = {};
  const cards = new Map<string, number>();
  const bodiesFile = join(work, 'baseline-bodies.json');
  const capture = async (size: PatientSize) => {
    for (const hook of HOOKS) {
      const key = `${size}-${hook}`;
      const res = await fetch(service.baseUrl + SERVICE_PATH[hook], {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bodies.get(key)!,
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${key}: HTTP ${res.status} ${text.slice(0, 300)}`);
      responses[key] = text;
      cards.set(key, (JSON.parse(text) as { cards: unknown[] }).cards.length);
    }
    writeFileSync(bodiesFile, JSON.stringify(responses));
  };
  await capture('typical');
  const baselinePort = await freePort();
  const baseline = await spawnServer({
    name: 'baseline',
    command: process.execPath,
    args: ['--import', 'tsx', join(ROOT, 'bench/baseline-server.ts')],
    env: {
      BASELINE_PORT: String(baselinePort),
      BASELINE_BODIES: bodiesFile,
      BASELINE_BODY_LIMIT: env.BODY_LIMIT_BYTES!,
      LOG_LEVEL: env.LOG_LEVEL!,
      NODE_ENV: 'production',
    },
    port: baselinePort,
    readyPath: '/readyz',
    logFile: join(work, 'baseline.log'),
  });
  processes.push(baseline);

  let peakRssBytes = service.rssBytes();
  let steadyPeakRssBytes = peakRssBytes;
  let steady = true;
  const trackPeak = () => {
    const rss = service.rssBytes();
    peakRssBytes = Math.max(peakRssBytes, rss);
    if (steady) steadyPeakRssBytes = Math.max(steadyPeakRssBytes, rss);
  };
  const scenarios: ScenarioResult[] = [];
  // Event-loop delay windows of the huge runs (a /metrics scrape resets the service's maximum).
  const hugeLagMs: Record<number, number> = {};
  let hugeHttpMaxMs = NaN;
  const measureSize = async (size: PatientSize) => {
    const patient = patients.get(size)!;
    if (!responses[`${size}-order-select`]) await capture(size);
    const seconds = size === 'huge' ? plan.hugeSeconds : plan.measureSeconds;
    for (const hook of HOOKS) {
      const key = `${size}-${hook}`;
      const body = bodies.get(key)!;
      const serviceUrl = service.baseUrl + SERVICE_PATH[hook];
      const baselineUrl = `${baseline.baseUrl}/static/${key}`;
      await warm(serviceUrl, body, plan.warmupSeconds);
      await warm(baselineUrl, body, plan.warmupSeconds);
      for (const connections of CONCURRENCY) {
        await untilReady(service.baseUrl, 10_000);
        if (size === 'huge') await scrapeMetrics(service.baseUrl);
        const rssBeforeBytes = service.rssBytes();
        const measured = await runLoad({
          url: serviceUrl,
          body,
          connections,
          durationSeconds: seconds,
          onTick: trackPeak,
        });
        const rssAfterBytes = service.rssBytes();
        trackPeak();
        if (size === 'huge') {
          const lag = (await scrapeMetrics(service.baseUrl)).eventLoopLagMaxMs;
          if (lag !== undefined) hugeLagMs[connections] = Math.max(hugeLagMs[connections] ?? 0, lag);
          hugeHttpMaxMs = Math.max(Number.isNaN(hugeHttpMaxMs) ? 0 : hugeHttpMaxMs, measured.max);
        }
        const base = await runLoad({ url: baselineUrl, body, connections, durationSeconds: seconds });
        scenarios.push({
          size,
          resources: patient.resources.length + 1,
          requestBytes: Buffer.byteLength(body),
          responseBytes: Buffer.byteLength(responses[key]!),
          cards: cards.get(key) ?? 0,
          hook,
          connections,
          service: measured,
          baseline: base,
          rssBeforeBytes,
          rssAfterBytes,
        });
        log(summary(`${key} c=${connections}`, measured, base));
      }
    }
  };

  // Small and typical first, then the fallback and the soak on the typical patient, so that the memory figures
  // of everyday load are not inflated by the heap the large and huge patients leave behind; those come last.
  const everyday: PatientSize[] = plan.sizes.filter((s) => s === 'small' || s === 'typical');
  for (const size of everyday) await measureSize(size);

  log('fallback (no prefetch, FHIR stand-in, 20 ms per query)');
  const fallback = await benchFallback(
    service.baseUrl,
    patients.get('typical')!,
    prefetchTemplates(),
    plan.fallbackSeconds,
    log,
  );
  trackPeak();

  log(`soak: ${SOAK_RATE} req/s for ${plan.soakSeconds} s`);
  const soakResult = await soak(
    service,
    service.baseUrl + SERVICE_PATH['order-select'],
    bodies.get('typical-order-select')!,
    SOAK_RATE,
    plan.soakSeconds,
  );
  for (const s of soakResult.samples) {
    peakRssBytes = Math.max(peakRssBytes, s.rssBytes);
    steadyPeakRssBytes = Math.max(steadyPeakRssBytes, s.rssBytes);
  }

  steady = false;
  for (const size of plan.sizes.filter((s) => !everyday.includes(s))) await measureSize(size);

  log('in-process service (invokeHook) on the huge patient');
  const inProcess = [];
  for (const hook of HOOKS) {
    inProcess.push(
      await measureInProcess(inProcessService, hook, bodies.get(`huge-${hook}`)!, plan.evaluateRuns),
    );
  }
  const worst = inProcess.reduce((a, b) => (b.evaluateMaxMs > a.evaluateMaxMs ? b : a));
  const stall: StallResult = {
    ...(hugeLagMs[1] !== undefined ? { serviceMaxLagMs: hugeLagMs[1] } : {}),
    ...(hugeLagMs[10] !== undefined ? { serviceMaxLagC10Ms: hugeLagMs[10] } : {}),
    evaluateP50Ms: worst.evaluateP50Ms,
    evaluateMaxMs: worst.evaluateMaxMs,
    inProcessMaxLagMs: Math.max(...inProcess.map((r) => r.loopMaxLagMs)),
    httpMaxMs: hugeHttpMaxMs,
  };

  return {
    startedAt,
    mode: quick ? 'quick' : 'full',
    commit: gitCommit(),
    node: process.version,
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    loadAverageAtStart,
    contentVersion: inProcessService.contentVersion,
    startupMs,
    scenarios,
    fallback,
    soak: soakResult,
    stall,
    peakRssBytes,
    steadyPeakRssBytes,
    wallSeconds: 0,
  };
}

async function warm(url: string, body: string, seconds: number): Promise<LoadResult> {
  await warmUp(url, body, 3);
  // Two connections are enough for the JIT; ten huge requests at once would trip load shedding.
  return runLoad({ url, body, connections: 2, durationSeconds: seconds });
}

function summary(label: string, service: LoadResult, baseline: LoadResult): string {
  return (
    `${label}: ${service.requestsPerSecond.toFixed(0)} req/s p50 ${service.p50.toFixed(2)} p99 ${service.p99.toFixed(2)} ms ` +
    `(baseline ${baseline.requestsPerSecond.toFixed(0)} req/s p50 ${baseline.p50.toFixed(2)} ms) errors ${service.errors}`
  );
}

/** The raw results, formatted as the repository's Prettier settings want (so `npm run format:check` passes). */
async function formatJson(value: unknown, file: string): Promise<string> {
  const text = JSON.stringify(value, null, 2) + '\n';
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...options, parser: 'json' });
  } catch {
    return text;
  }
}

function prefetchTemplates(): Record<string, string> {
  const file = JSON.parse(readFileSync(join(ROOT, 'hooks/prefetch-templates.json'), 'utf8')) as {
    prefetch: Record<string, string>;
  };
  return file.prefetch;
}

function gitCommit(): string {
  // A run from an exported snapshot (git archive) has no .git: the caller names the commit.
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
