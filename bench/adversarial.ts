import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ADVERSARIAL_INPUTS } from './adversarial-inputs.js';
import { formatAdversarial, type AdversarialResult } from './adversarial-report.js';
import { untilReady } from './processes.js';
import { listenInProcess } from './listen-in-process.js';

/**
 * The adversarial section (issue 11): each hostile input of adversarial-inputs.ts, grown to the body limit, sent to
 * the service running in this process with the production configuration, while a worker thread polls `/healthz`
 * every 10 ms. For each input: the status, the worst latency of the hostile request over the runs, the worst
 * `/healthz` latency the poller saw meanwhile (what a load balancer sees) and the largest event-loop delay
 * (perf_hooks monitorEventLoopDelay, 10 ms resolution).
 *
 *   npm run bench:adversarial                    # full size: bodies at BODY_LIMIT_BYTES (16 MiB), 3 runs each
 *   npm run bench:adversarial -- --bytes 65536   # small bodies, 1 run (smoke test)
 *   npm run bench -- --only adversarial          # the same full-size section through the bench runner
 */

export interface AdversarialOptions {
  /** Size of each hostile body (default: just under the body limit). */
  budgetBytes?: number;
  runs?: number;
  log?: (message: string) => void;
}

const HEALTHZ_INTERVAL_MS = 10;
const WARM_UP_BYTES = 16 * 1024;

export async function runAdversarial(options: AdversarialOptions = {}): Promise<AdversarialResult[]> {
  const log = options.log ?? (() => undefined);
  const { server, baseUrl, config } = await listenInProcess({
    // A hostile body is what an authenticated caller (or none) can send: authentication is measured apart.
    PATIENT_HASH_SECRET: 'adversarial-bench-'.repeat(4),
    FEEDBACK_SQLITE_PATH: ':memory:',
  });
  const bodyLimitBytes = config.bodyLimitBytes;
  const budget = options.budgetBytes ?? bodyLimitBytes - 64 * 1024;
  const runs = options.runs ?? 3;
  const poller = startHealthzPoller(baseUrl);
  const results: AdversarialResult[] = [];
  try {
    await poller.ready;
    // Warm-up: every input once at a small size, so that the first one measured does not pay for the JIT.
    for (const input of ADVERSARIAL_INPUTS) {
      const res = await fetch(baseUrl + input.path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: input.body(WARM_UP_BYTES),
      });
      await res.arrayBuffer();
    }
    for (const input of ADVERSARIAL_INPUTS) {
      const body = input.body(budget);
      const result: AdversarialResult = {
        name: input.name,
        threat: input.threat,
        requestBytes: Buffer.byteLength(body),
        status: 0,
        responseBytes: 0,
        worstRequestMs: 0,
        worstHealthzMs: 0,
        maxEventLoopDelayMs: 0,
      };
      for (let run = 0; run < runs; run++) {
        // After a stall load shedding may answer 503 for a moment: each run starts once the service is ready again.
        await untilReady(baseUrl, 30_000);
        const delay = monitorEventLoopDelay({ resolution: 10 });
        poller.reset();
        delay.enable();
        const started = performance.now();
        const res = await fetch(baseUrl + input.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const text = await res.text();
        const ms = performance.now() - started;
        // One more poll interval so that a /healthz answer delayed by the request is counted.
        await sleep(HEALTHZ_INTERVAL_MS * 3);
        delay.disable();
        result.status = res.status;
        result.responseBytes = Buffer.byteLength(text);
        const cards = res.status === 200 ? (JSON.parse(text) as { cards?: unknown[] }).cards : undefined;
        if (cards) result.cards = cards.length;
        result.worstRequestMs = Math.max(result.worstRequestMs, ms);
        result.worstHealthzMs = Math.max(result.worstHealthzMs, await poller.worstMs());
        result.maxEventLoopDelayMs = Math.max(result.maxEventLoopDelayMs, delay.max / 1e6);
      }
      log(
        `${input.name}: ${(result.requestBytes / 1_048_576).toFixed(2)} MB → ${result.status}, ` +
          `worst ${result.worstRequestMs.toFixed(0)} ms, /healthz ${result.worstHealthzMs.toFixed(0)} ms, ` +
          `loop delay ${result.maxEventLoopDelayMs.toFixed(0)} ms`,
      );
      results.push(result);
    }
  } finally {
    await poller.stop();
    await server.close();
  }
  return results;
}

interface HealthzPoller {
  ready: Promise<void>;
  reset(): void;
  worstMs(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A worker thread (its own event loop, so it keeps time while the service's loop is blocked) that requests
 * `/healthz` every 10 ms, one at a time, and keeps the worst latency since the last reset; an answer still
 * outstanding counts with its age so far.
 */
function startHealthzPoller(baseUrl: string): HealthzPoller {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const http = require('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let worst = 0, sentAt = 0, stopped = false;
    function poll() {
      if (stopped) return;
      sentAt = performance.now();
      const req = http.get(workerData.url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          worst = Math.max(worst, performance.now() - sentAt);
          sentAt = 0;
          setTimeout(poll, workerData.intervalMs);
        });
      });
      req.on('error', () => { sentAt = 0; setTimeout(poll, workerData.intervalMs); });
    }
    parentPort.on('message', (m) => {
      if (m === 'reset') worst = 0;
      else if (m === 'worst') parentPort.postMessage(Math.max(worst, sentAt ? performance.now() - sentAt : 0));
      else if (m === 'stop') { stopped = true; agent.destroy(); parentPort.postMessage('stopped'); }
    });
    poll();
    parentPort.postMessage('ready');
  `;
  const worker = new Worker(source, {
    eval: true,
    workerData: { url: `${baseUrl}/healthz`, intervalMs: HEALTHZ_INTERVAL_MS },
  });
  const next = () => new Promise<unknown>((resolve) => worker.once('message', resolve));
  const ready = next().then(() => undefined);
  return {
    ready,
    reset: () => worker.postMessage('reset'),
    worstMs: async () => {
      const answer = next();
      worker.postMessage('worst');
      return Number(await answer);
    },
    stop: async () => {
      const answer = next();
      worker.postMessage('stop');
      await answer;
      await worker.terminate();
    },
  };
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

/** `tsx bench/adversarial.ts [--bytes N] [--runs N]`: prints the table on stdout, progress on stderr. */
export async function adversarialMain(): Promise<void> {
  const bytes = argValue('--bytes');
  const runs = argValue('--runs');
  const results = await runAdversarial({
    ...(bytes ? { budgetBytes: Number(bytes) } : {}),
    runs: runs ? Number(runs) : bytes ? 1 : 3,
    log: (m) => process.stderr.write(`[adversarial] ${m}\n`),
  });
  process.stdout.write(`${formatAdversarial(results)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  adversarialMain().catch((err: unknown) => {
    process.stderr.write(`[adversarial] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
