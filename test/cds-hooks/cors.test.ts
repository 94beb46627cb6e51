import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { patientViewRequest, SERVICE } from '../support/requests.js';

const ORIGIN = 'https://sandbox.cds-hooks.org';

describe('CORS for browser clients (the CDS Hooks sandbox)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it.each(['/cds-services', SERVICE.orderSelect, `${SERVICE.orderSelect}/feedback`])(
    'answers the preflight for %s without authentication',
    async (url) => {
      const res = await app.inject({
        method: 'OPTIONS',
        url,
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(res.statusCode).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(String(res.headers['access-control-allow-headers'])).toMatch(/Authorization/);
      expect(String(res.headers['access-control-allow-headers'])).toMatch(/Content-Type/);
      expect(String(res.headers['access-control-allow-methods'])).toMatch(/POST/);
    },
  );

  it('answers Chrome Private Network Access preflights', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/cds-services',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-private-network': 'true',
      },
    });
    expect(res.headers['access-control-allow-private-network']).toBe('true');
  });

  it.each([
    ['400', { ...patientViewRequest(), hook: 'x' }, 400],
    [
      '412',
      (() => {
        const b = patientViewRequest();
        delete (b as Record<string, unknown>).prefetch;
        return b;
      })(),
      412,
    ],
    ['200', patientViewRequest(), 200],
  ])('sends CORS headers on %s responses', async (_n, payload, status) => {
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      headers: { origin: ORIGIN },
      payload,
    });
    expect(res.statusCode).toBe(status);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('echoes only allowed origins when CORS_ORIGINS is set', async () => {
    const strict = await buildTestApp({ env: { CORS_ORIGINS: 'https://ehr.example.org' } });
    try {
      const ok = await strict.inject({
        method: 'GET',
        url: '/cds-services',
        headers: { origin: 'https://ehr.example.org' },
      });
      expect(ok.headers['access-control-allow-origin']).toBe('https://ehr.example.org');
      expect(String(ok.headers.vary)).toMatch(/Origin/);
      const other = await strict.inject({
        method: 'GET',
        url: '/cds-services',
        headers: { origin: 'https://evil.example' },
      });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await strict.close();
    }
  });
});
