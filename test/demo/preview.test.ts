import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import type { PreviewPatient } from '../../src/preview/preview-types.js';
import { parsePreviewConfig } from '../../src/config/preview.js';
import { parseCoreConfig } from '../../src/config/core.js';

describe('card preview page', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('serves the page under a strict same-origin CSP', async () => {
    const res = await app.inject({ url: '/preview' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.body).not.toMatch(/<script>[^<]/);
    expect(res.body).not.toMatch(/https?:\/\/(?!www\.w3)/);
  });

  it('serves its script and styles as same-origin files', async () => {
    const js = await app.inject({ url: '/preview/preview.js' });
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('function renderMarkdown');
    expect(js.body).not.toContain('innerHTML');
    expect(js.body).not.toContain('insertAdjacentHTML');
    // One script bundled from src/preview/browser/ (TypeScript), runnable as a classic script.
    expect(() => new Function(js.body)).not.toThrow();
    expect(js.body).not.toMatch(/^\s*(import|export)\b/m);
    const css = await app.inject({ url: '/preview/preview.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('lists the demo patients, dated by the service clock, with a request the real endpoint accepts', async () => {
    const res = await app.inject({ url: '/preview/patients' });
    const body = res.json() as { generatedFor: string; patients: PreviewPatient[] };
    expect(body.generatedFor).toBe('2025-06-15');
    expect(body.patients.length).toBeGreaterThanOrEqual(26);
    const vertebroplasty = body.patients.find((p) => p.id === 'demo-order-vertebroplasty')!;
    expect(Object.keys(vertebroplasty.requests)).toEqual(['patient-view', 'order-select', 'order-sign']);
    for (const call of Object.values(vertebroplasty.requests)) {
      const hook = await app.inject({
        method: 'POST',
        url: `/cds-services/${call.serviceId}`,
        payload: call.body,
      });
      expect(hook.statusCode).toBe(200);
    }
  });
});

describe('card preview page switch', () => {
  // Judged on the configuration: a production app needs settings of other sections (secrets, issuers).
  it('is off in production unless PREVIEW_ENABLED=true, on by default elsewhere', () => {
    const preview = (env: Record<string, string>) => parsePreviewConfig(env, parseCoreConfig(env));
    expect(preview({ NODE_ENV: 'production' }).enabled).toBe(false);
    expect(preview({ NODE_ENV: 'production', PREVIEW_ENABLED: 'true' }).enabled).toBe(true);
    expect(preview({ NODE_ENV: 'development' }).enabled).toBe(true);
    expect(preview({ NODE_ENV: 'test' }).enabled).toBe(true);
    // Asked for explicitly (a build without the demo fixtures then refuses to start) or on by default.
    expect(preview({ NODE_ENV: 'production', PREVIEW_ENABLED: 'true' }).requested).toBe(true);
    expect(preview({ NODE_ENV: 'development' }).requested).toBe(false);
    expect(preview({ NODE_ENV: 'development', PREVIEW_ENABLED: 'false' }).requested).toBe(false);
    expect(() => preview({ PREVIEW_ENABLED: 'maybe' })).toThrow(/PREVIEW_ENABLED/);
  });

  it('can be switched off in development', async () => {
    const app = await buildTestApp({ env: { NODE_ENV: 'development', PREVIEW_ENABLED: 'false' } });
    expect((await app.inject({ url: '/preview' })).statusCode).toBe(404);
    await app.close();
  });
});
