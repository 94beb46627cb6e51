import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { buildTestApp } from '../support/build-app.js';
import {
  HASH_SECRET,
  accepted,
  callPatientView,
  overridden,
  sendFeedback,
  stubEngine,
} from './support/hook-calls.js';

const run = promisify(execFile);

describe('npm run report', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cds-report-test-'));
    // Only what the CLI needs: never the developer's DATABASE_URL or other settings.
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      NODE_ENV: 'test',
      FEEDBACK_SQLITE_PATH: join(dir, 'feedback.sqlite'),
    };
    const app = await buildTestApp({
      engine: stubEngine,
      env: { FEEDBACK_SQLITE_PATH: env.FEEDBACK_SQLITE_PATH!, PATIENT_HASH_SECRET: HASH_SECRET },
    });
    const [dmab1, vf1] = await callPatientView(app);
    const [dmab2] = await callPatientView(app);
    await sendFeedback(app, [
      accepted(dmab1!),
      overridden(dmab2!, 'patient-declined'),
      overridden(vf1!, 'other'),
    ]);
    await app.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const report = (...args: string[]) =>
    run('npm', ['run', '--silent', 'report', '--', ...args], { cwd: projectRoot, env });

  it('prints a table per catalogue id and indicator', async () => {
    const { stdout } = await report('--from', '2025-01-01', '--to', '2026-01-01');
    const lines = stdout.split('\n');
    expect(lines.find((l) => l.startsWith('catalogue id'))).toMatch(
      /catalogue id\s+indicator\s+shown\s+accepted\s+overridden\s+acceptance\s+median to feedback\s+top override reasons/,
    );
    expect(lines.find((l) => l.startsWith('dmab-lapse'))).toMatch(
      /^dmab-lapse\s+critical\s+2\s+1\s+1\s+50\.0%\s+1\.0 min\s+patient-declined ×1$/,
    );
    expect(lines.find((l) => l.startsWith('vf-recent'))).toMatch(/^vf-recent\s+warning\s+2\s+0\s+1\s+0\.0%/);
  });

  it('prints JSON on request, and refuses a bad window with a one-line message', async () => {
    const { stdout } = await report('--from', '2025-01-01', '--to', '2026-01-01', '--json');
    expect(JSON.parse(stdout).groups).toHaveLength(2);
    await expect(report('--from', 'yesterday')).rejects.toMatchObject({ code: 1, stderr: /invalid window/ });
  });

  it('purges records older than N days on command', async () => {
    const { stdout } = await report('--purge', '--older-than-days', '1');
    expect(stdout).toMatch(/purged 4 card\(s\) and 3 feedback item\(s\) older than 1 day\(s\)/);
    const after = await report('--from', '2025-01-01', '--to', '2026-01-01');
    expect(after.stdout).toContain('No cards in this window.');
  });
});
