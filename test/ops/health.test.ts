import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: every check passes, no shutdown begun). */
describe('liveness and readiness', () => {
  it('/healthz and /readyz answer 200 on a healthy app', async () => {
    app = await buildTestApp();
    const live = await app.inject({ method: 'GET', url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready' });
  });

  it.each([
    ['answers false', () => false],
    ['throws (e.g. a store that cannot be reached)', async () => Promise.reject(new Error('unreachable'))],
  ])('/readyz is 503 and names a check that %s; ready again once it is gone', async (_, check) => {
    app = await buildTestApp();
    app.readiness.checks.set('test-store', check);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not-ready', checks: { 'test-store': 'failing' } });
    // Liveness does not depend on the checks: a restart would not bring the store back.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    app.readiness.checks.delete('test-store');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('/readyz turns 503 while shutting down; /healthz stays 200; responses ask clients to close', async () => {
    app = await buildTestApp();
    app.readiness.shuttingDown = true;
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBeDefined();
    expect(ready.json()).toEqual({ status: 'shutting-down' });
    const live = await app.inject({ method: 'GET', url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.headers.connection).toBe('close');
  });
});
