import { defineConfig } from 'vitest/config';

/**
 * Tests that start real processes (the server through tsx, the runtime stage, the CLI scripts, Chromium) or wait on
 * real time. They are a project of their own so that `npm run test:fast` can leave them out while working; `npm test`
 * (and CI) runs both projects.
 */
const processTests = [
  'test/ops/runtime-check.test.ts',
  'test/ops/graceful-shutdown.test.ts',
  'test/ops/two-replicas.test.ts',
  'test/ops/ops-config.test.ts',
  'test/config.test.ts',
  'test/store/report-cli.test.ts',
  'test/demo/demo-run.test.ts',
  'test/demo/preview-browser.test.ts',
  'test/bench/adversarial.test.ts',
  'test/ops/pretty-logs.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    // Tests that bind real ports and child processes are kept safe by using port 0 everywhere.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: processTests,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'process',
          include: processTests,
          // A child process starts through tsx (or a build) first: generous limits for a loaded CI machine.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
