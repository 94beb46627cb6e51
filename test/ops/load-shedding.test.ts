import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { until } from './server-process.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app whose heap limit is 1 byte: under pressure from the first sample on. */
async function overloadedApp(env: Record<string, string> = {}) {
  const built = await buildTestApp({
    env: {
      PRESSURE_MAX_HEAP_USED_BYTES: '1',
      // Start-up work can lag the event loop in the first sample; this test is about memory.
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      PRESSURE_SAMPLE_INTERVAL_MS: '10',
      PRESSURE_RETRY_AFTER_S: '7',
      ...env,
    },
  });
  await until(() => built.isUnderPressure());
  return built;
}

describe('load shedding', () => {
  it('answers 503 with Retry-After and an OperationOutcome when under pressure', async () => {
    app = await overloadedApp();
    const res = await app.inject({ method: 'GET', url: '/cds-services' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json()).toMatchObject({ resourceType: 'OperationOutcome', statusCode: 503 });
  });

  it('keeps /healthz and /metrics answering, counts what it shed, and reports not-ready', async () => {
    app = await overloadedApp();
    await app.inject({ method: 'POST', url: '/cds-services/osteoporosis-patient-view', payload: {} });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/^cds_load_shed_total\{reason="heapUsedBytes"\} 1$/m);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not-ready', checks: { load: 'failing' } });
  });

  it('sends the CORS headers on a shed 503, so a browser client can read Retry-After and the body', async () => {
    app = await overloadedApp();
    const res = await app.inject({
      method: 'POST',
      url: '/cds-services/osteoporosis-patient-view',
      headers: { origin: 'https://sandbox.cds-hooks.org' },
      payload: {},
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-expose-headers'])).toMatch(/Retry-After/);
    expect(res.headers['content-type']).toMatch(/json/);
  });

  it('exempts every probe and operations route: /healthz, /readyz, /metrics, /openapi.json', async () => {
    app = await overloadedApp();
    for (const url of ['/healthz', '/metrics', '/openapi.json']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    // /readyz answers (503 from its own check, with its own body), not the load-shedding 503.
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toHaveProperty('checks');
  });

  it('does nothing when LOAD_SHEDDING_ENABLED=false', async () => {
    app = await buildTestApp({ env: { LOAD_SHEDDING_ENABLED: 'false', PRESSURE_MAX_HEAP_USED_BYTES: '1' } });
    expect(app.hasDecorator('isUnderPressure')).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/cds-services' })).statusCode).toBe(200);
  });

  it('serves normally when not under pressure', async () => {
    app = await buildTestApp({
      env: { PRESSURE_MAX_HEAP_USED_BYTES: '0', PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' },
    });
    expect((await app.inject({ method: 'GET', url: '/cds-services' })).statusCode).toBe(200);
  });
});
