import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Tests that bind real ports and child processes are kept safe by using port 0 everywhere.
    pool: 'forks',
  },
});
