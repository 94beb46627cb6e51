import { describe, expect, it } from 'vitest';
import { runRuntimeCheck } from '../../scripts/runtime-check.js';

/**
 * The Dockerfile's runtime stage, reproduced without Docker (production dependencies from the lockfile, the build
 * output, the data folders, NODE_ENV=production): the result must serve and stop cleanly. A first run on a
 * machine compiles better-sqlite3 when its prebuilt binary cannot be downloaded, hence the generous timeout.
 */
describe('runtime stage reproduced without Docker', () => {
  it('installs no dev dependencies, serves health, discovery and a hook call, exits 0 on SIGTERM, and runs report/migrate, with no demo data', async () => {
    const report = await runRuntimeCheck();
    // Timings are reported, never asserted (performance belongs to the bench).
    console.info(
      `runtime-check: npm ci ${report.npmCiMs} ms${report.npmCiCached ? ' (cached install)' : ''}, build ${report.buildMs} ms, ` +
        `start→live ${report.startToLiveMs} ms, start→ready ${report.startToReadyMs} ms, hook call ${report.hookCallMs} ms`,
    );
    expect(report.devDependenciesInstalled).toEqual([]);
    expect(report.discoveryServices).toEqual(
      expect.arrayContaining([
        'osteoporosis-patient-view',
        'osteoporosis-order-select',
        'osteoporosis-order-sign',
      ]),
    );
    expect(report.cards).toBeGreaterThan(0);
    expect(report.healthcheckScriptExit).toBe(0);
    expect(report.metricsHaveHookSeries).toBe(true);
    expect(report.exitCode).toBe(0);
    // The operator commands run in the image without tsx, and the card log kept every card of the hook call.
    expect(report.migrateExit).toBe(0);
    expect(report.reportedCardsShown).toBe(report.cards);
    // No demo patients in the image: no compiled file carries the fixtures' tag, and the preview page is absent.
    expect(report.demoDataFiles).toEqual([]);
    expect(report.previewStatus).toBe(404);
  }, 600_000);
});
