import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Child processes under test (the service and the baseline): a free port, spawn, wait for an HTTP 200 on a
 * readiness path (timed from spawn), resident memory from /proc, and a clean stop. Output goes to a log file
 * rather than a pipe, so that draining it costs the bench process nothing while the server still pays for
 * writing every log line, as in production.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  pid: number;
  baseUrl: string;
  /** Spawn → first 200 from the readiness path, in ms. */
  startupMs: number;
  logFile: string;
  rssBytes(): number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  readyPath: string;
  logFile: string;
  timeoutMs?: number;
}

export async function spawnServer(options: SpawnOptions): Promise<RunningProcess> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const logFd = openSync(options.logFile, 'w');
  const started = performance.now();
  const child = spawn(options.command, options.args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));

  const deadline = started + (options.timeoutMs ?? 30_000);
  let startupMs = NaN;
  while (performance.now() < deadline) {
    if (exited !== undefined) break;
    try {
      const res = await fetch(baseUrl + options.readyPath);
      await res.arrayBuffer();
      if (res.status === 200) {
        startupMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  if (Number.isNaN(startupMs)) {
    child.kill('SIGKILL');
    throw new Error(
      `${options.name} did not become ready (exit ${String(exited)}); log tail:\n${tail(options.logFile)}`,
    );
  }
  return {
    pid: child.pid!,
    baseUrl,
    startupMs,
    logFile: options.logFile,
    rssBytes: () => rssOf(child.pid!),
    stop: () => stopChild(child),
  };
}

export function tail(file: string, bytes = 2000): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '(no log)';
  }
}

/** Resident set size of a process from /proc (Linux); NaN elsewhere. */
export function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Wait until the service reports ready (load shedding reads the event-loop delay once a second, so a burst or a
 * stall can leave it "under pressure" for a moment): otherwise a run would start by measuring fast 503s. Gives up
 * quietly after `timeoutMs` (the run then measures what it gets).
 */
export async function untilReady(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const res = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
    await res?.arrayBuffer();
    if (res?.status === 200) return;
    await sleep(100);
  }
}
