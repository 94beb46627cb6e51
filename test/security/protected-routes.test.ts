import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import app from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { serverOptions } from '../../src/server-options.js';
import { testConfig, TEST_NOW } from '../support/build-app.js';
import { BASE_URL, STATIC_KEY_ISSUERS_ENV } from './support/auth-app.js';

/**
 * With CDS_AUTH=required every route is either a CDS Hooks route (needs the JWT) or on the explicit list of public
 * routes below. A new route elsewhere makes this test fail until someone decides, and a new route under
 * /cds-services is protected without anyone having to remember.
 */
const PUBLIC_ROUTES = new Set([
  '/healthz', // probes
  '/readyz',
  '/metrics', // own bearer token (METRICS_TOKEN)
  '/openapi.json', // the public API description (no data, no service ids): see docs/security.md
  '/docs', // Swagger UI for it (OPENAPI_UI)
  '/preview', // developer page with synthetic data (PREVIEW_ENABLED; off in production by default)
  '/analytics/cards', // own admin token (ANALYTICS_ADMIN_TOKEN)
]);
const isPublic = (url: string) =>
  PUBLIC_ROUTES.has(url) ||
  [...PUBLIC_ROUTES].some((p) => p !== '/metrics' && url.startsWith(p + '/')) ||
  url === '*';

describe('CDS_AUTH=required protects every route that is not explicitly public', () => {
  let server: FastifyInstance;
  const routes: { method: string; url: string }[] = [];

  beforeAll(async () => {
    const config = testConfig({
      CDS_AUTH: 'required',
      PUBLIC_BASE_URL: BASE_URL,
      CDS_TRUSTED_ISSUERS: STATIC_KEY_ISSUERS_ENV,
      PREVIEW_ENABLED: 'true',
    });
    server = Fastify(serverOptions(config));
    server.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url });
    });
    await server.register(app, { config, clock: fixedClock(TEST_NOW) });
    // A CDS Hooks route someone adds later, without touching the security code.
    await server.register(async (child) => {
      child.get('/cds-services/:id/debug', async () => ({ secret: 'card internals' }));
    });
    await server.ready();
  });
  afterAll(async () => server.close());

  it('a route added later under /cds-services needs the JWT too', async () => {
    const res = await server.inject({ method: 'GET', url: '/cds-services/osteoporosis-patient-view/debug' });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('card internals');
  });

  it('every non-public route answers 401 without a token (OPTIONS preflights excepted)', async () => {
    const checked: string[] = [];
    for (const { method, url } of routes) {
      if (method === 'OPTIONS' || isPublic(url)) continue;
      const path = url.replace(/:id/g, 'osteoporosis-patient-view');
      const res = await server.inject({
        method: method as 'GET',
        url: path,
        payload: method === 'POST' ? {} : undefined,
      });
      expect({ method, url, status: res.statusCode }).toEqual({ method, url, status: 401 });
      checked.push(`${method} ${url}`);
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'GET /cds-services',
        'POST /cds-services/:id',
        'POST /cds-services/:id/feedback',
      ]),
    );
  });
});
