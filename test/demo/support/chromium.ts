import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's Chromium for the browser tests, driven by playwright-core; never a downloaded browser. When it is
 * missing it is installed with apt under CI (CI=true); elsewhere the tests are skipped with a message.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Returns why the browser tests cannot run, or undefined when Chromium is ready. */
export function chromiumUnavailable(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  if (process.env.CI !== 'true') {
    return `Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (CI=true installs it automatically)`;
  }
  try {
    execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', timeout: 600_000 });
  } catch {
    // A fresh CI image may have no package lists yet.
    execFileSync('apt-get', ['update'], { stdio: 'inherit', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', timeout: 600_000 });
  }
  return existsSync(CHROMIUM_PATH) ? undefined : `apt-get did not install ${CHROMIUM_PATH}`;
}

/** A fresh, throw-away profile directory per browser. */
export const freshUserDataDir = () => mkdtempSync(join(tmpdir(), 'dmab-cds-chromium-'));
