import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ADVERSARIAL_INPUTS } from '../../bench/adversarial-inputs.js';
import { projectPath } from '../../src/paths.js';

/**
 * The adversarial bench section (issue 11) at tiny sizes, as `npm run bench -- --only adversarial --bytes N` runs
 * it: one row per hostile input with a status and the three figures. Timings are not asserted (a shared machine).
 */
describe('bench adversarial section (tiny bodies)', () => {
  it('prints one row per hostile input: body size, status, latency, /healthz latency, event-loop delay', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--only', 'adversarial', '--bytes', '8192'],
      { cwd: projectPath(), timeout: 50_000 },
    );
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(
      '| input | body KiB | status | cards | response KB | worst request ms | worst /healthz ms | max event-loop delay ms |',
    );
    const rows = lines.slice(2).map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
    expect(rows.map((r) => r[0])).toEqual(ADVERSARIAL_INPUTS.map((i) => i.name));
    for (const [name, body, status, cards, responseKb, requestMs, healthzMs, loopMs] of rows) {
      expect(Number(body), name).toBeGreaterThanOrEqual(2);
      expect(Number(body), name).toBeLessThanOrEqual(9);
      // Every hostile body is answered, never with a 5xx.
      expect(Number(status), name).toBeGreaterThanOrEqual(200);
      expect(Number(status), name).toBeLessThan(500);
      expect(cards, name).toMatch(/^(\d+|—)$/);
      for (const figure of [responseKb, requestMs, healthzMs, loopMs])
        expect(Number.isFinite(Number(figure)), `${name}: ${figure}`).toBe(true);
    }
  });
});
