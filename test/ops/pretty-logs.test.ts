import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/paths.js';

/** PRETTY_LOGS=true (the default of `npm run dev`): pino-pretty prints readable lines, with the same redaction. */
describe('PRETTY_LOGS', () => {
  it('prints a human-readable line instead of JSON, still without the token', () => {
    const SECRET = 'eyJ-pretty-secret';
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'test/ops/support/pretty-log.ts', SECRET],
      {
        cwd: projectPath(),
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/INFO.*pretty line/);
    expect(result.stdout).toContain('serviceId: "osteoporosis-patient-view"');
    expect(result.stdout).not.toMatch(/^\{"level"/m);
    expect(result.stdout).not.toContain(SECRET);
    expect(result.stdout).toContain('[redacted]');
  });
});
