import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectPath } from '../../src/paths.js';
import { freePort } from '../../scripts/runtime-check.js';

/** `src/server.ts` running as a real child process (through tsx), as the process manager would see it. */
export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** Resolves with the exit code (null if killed by a signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The JSON log lines written so far (`msg` fields). */
  logMessages: () => string[];
  /** Wait until a log line with this message has been written. */
  waitForLog: (msg: string) => Promise<void>;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectPath(),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      CDS_AUTH: 'off',
      FEEDBACK_SQLITE_PATH: ':memory:',
      // The FHIR stand-in listens on loopback over plain http.
      FHIR_ALLOW_HTTP_LOOPBACK: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      try {
        messages.push(String((JSON.parse(line) as { msg?: unknown }).msg));
      } catch {
        messages.push(line);
      }
    }
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`server exited early (${child.exitCode}): ${stderr.join('')}`);
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) break;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }

  return {
    base,
    child,
    exited,
    logMessages: () => [...messages],
    waitForLog: async (msg) => {
      while (!messages.includes(msg)) {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`exited before logging "${msg}"`);
        await sleep(20);
      }
    },
  };
}

/** Wait until a condition holds (polling; the test's own timeout bounds it). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}
