import { describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../support/build-app.js';

// A build without fixtures/ (the production image): the loader finds no module.
vi.mock('../../src/preview/preview-data.js', () => ({ loadPreviewFixtures: async () => undefined }));

describe('card preview page in a build without the demo fixtures', () => {
  it('is off with a warning when it was only on by default', async () => {
    const lines: string[] = [];
    const app = await buildTestApp({
      env: { NODE_ENV: 'development', LOG_LEVEL: 'warn' },
      logStream: { write: (line) => void lines.push(line) },
    });
    expect((await app.inject({ url: '/preview' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/preview/patients' })).statusCode).toBe(404);
    expect(lines.join('')).toContain('preview page off: this build has no demo fixtures');
    await app.close();
  });

  it('stops start-up when PREVIEW_ENABLED=true asked for it', async () => {
    await expect(buildTestApp({ env: { NODE_ENV: 'development', PREVIEW_ENABLED: 'true' } })).rejects.toThrow(
      /PREVIEW_ENABLED=true, but this build has no demo fixtures/,
    );
  });
});
