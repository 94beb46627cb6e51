import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';

describe('health endpoints', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('/healthz says the process is alive', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when every check passes and 503 when one fails or shutdown began', async () => {
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    app.readiness.checks.set('test-store', () => false);
    const failing = await app.inject({ method: 'GET', url: '/readyz' });
    expect(failing.statusCode).toBe(503);
    expect(failing.json().checks['test-store']).toBe('failing');
    app.readiness.checks.delete('test-store');
    app.readiness.shuttingDown = true;
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    app.readiness.shuttingDown = false;
  });
});
