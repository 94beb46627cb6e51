import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { patientViewRequest } from '../support/requests.js';

let app: FastifyInstance | undefined;
let fhir: FhirStandIn | undefined;

afterEach(async () => {
  await app?.close();
  await fhir?.close();
  app = undefined;
  fhir = undefined;
});

async function scrape(target: FastifyInstance, headers: Record<string, string> = {}): Promise<string> {
  const res = await target.inject({ method: 'GET', url: '/metrics', headers });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
}

/** The value of one series, e.g. value(body, 'cds_auth_failures_total', { reason: 'expired' }). */
function value(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

const invoke = (target: FastifyInstance, serviceId: string, payload: object) =>
  target.inject({ method: 'POST', url: `/cds-services/${serviceId}`, payload });

describe('GET /metrics', () => {
  it('serves the default process metrics and per-route HTTP latency', async () => {
    app = await buildTestApp();
    await app.inject({ method: 'GET', url: '/cds-services' });
    const body = await scrape(app);
    expect(value(body, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(body).toContain('nodejs_eventloop_lag_seconds');
    expect(
      value(body, 'http_request_duration_seconds_count', { route: '/cds-services', status_code: '200' }),
    ).toBe(1);
  });

  it('counts hook latency per service and where each prefetch key came from', async () => {
    app = await buildTestApp();
    expect((await invoke(app, 'osteoporosis-patient-view', patientViewRequest())).statusCode).toBe(200);
    const body = await scrape(app);
    const service = 'osteoporosis-patient-view';
    expect(value(body, 'cds_hook_request_duration_seconds_count', { service, status_code: '200' })).toBe(1);
    expect(value(body, 'cds_prefetch_keys_total', { service, key: 'patient', source: 'prefetch' })).toBe(1);
    expect(value(body, 'cds_prefetch_keys_total', { service, key: 'conditions', source: 'null' })).toBe(1);
  });

  it('counts keys fetched from the FHIR server, FHIR fetch latency and failures', async () => {
    fhir = await startFhirStandIn({ resources: [{ resourceType: 'Patient', id: 'p1', gender: 'female' }] });
    fhir.failures.set('Procedure', 500);
    app = await buildTestApp({ env: { FHIR_ALLOW_HTTP_LOOPBACK: 'true' } });
    const request = patientViewRequest({ fhirServer: fhir.base });
    delete (request as { prefetch?: unknown }).prefetch;
    await invoke(app, 'osteoporosis-patient-view', request);
    const body = await scrape(app);
    expect(value(body, 'cds_fhir_fetch_duration_seconds_count', { key: 'patient', outcome: 'ok' })).toBe(1);
    expect(value(body, 'cds_fhir_fetch_failures_total', { key: 'procedures' })).toBeGreaterThanOrEqual(1);
  });

  it('counts 412s when required prefetch data can be neither read nor fetched', async () => {
    app = await buildTestApp();
    const request = patientViewRequest();
    delete (request as { prefetch?: unknown }).prefetch;
    const res = await invoke(app, 'osteoporosis-patient-view', request);
    expect(res.statusCode).toBe(412);
    const body = await scrape(app);
    const service = 'osteoporosis-patient-view';
    expect(value(body, 'cds_hook_precondition_failed_total', { service })).toBe(1);
    expect(value(body, 'cds_hook_failures_total', { service, status_code: '412' })).toBe(1);
    expect(value(body, 'cds_hook_request_duration_seconds_count', { service, status_code: '412' })).toBe(1);
  });

  it('counts feedback items by outcome', async () => {
    app = await buildTestApp();
    const res = await app.inject({
      method: 'POST',
      url: '/cds-services/osteoporosis-patient-view/feedback',
      payload: {
        feedback: [
          {
            card: 'c0ffee00-0000-4000-8000-000000000001',
            outcome: 'overridden',
            overrideReason: { reason: { code: 'patient-declined', system: 'http://example.org' } },
            outcomeTimestamp: '2025-06-15T12:00:00Z',
          },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const body = await scrape(app);
    expect(
      value(body, 'cds_feedback_items_total', {
        service: 'osteoporosis-patient-view',
        outcome: 'overridden',
      }),
    ).toBe(1);
  });

  it('counts cards by catalogue id and indicator, auth failures by reason and store writes by outcome', async () => {
    app = await buildTestApp();
    // These facts come from other parts of the service; the metrics only listen to the event hub.
    app.cdsEvents.emit('hook.completed', {
      serviceId: 'osteoporosis-patient-view',
      hook: 'patient-view',
      hookInstance: 'x',
      statusCode: 200,
      durationMs: 12,
      cards: [
        {
          summary: 's',
          indicator: 'warning',
          source: { label: 'l', topic: { system: 'urn:example', code: 'DMAB-LAPSED' } },
        },
        { summary: 's', indicator: 'info', source: { label: 'l' } },
      ],
      prefetchSources: {},
      patientId: 'p1',
      contentVersion: 'v',
    });
    app.cdsEvents.emit('auth.failed', { reason: 'expired' });
    app.cdsEvents.emit('store.write', { kind: 'card', outcome: 'ok', count: 5 });
    app.cdsEvents.emit('store.write', { kind: 'feedback', outcome: 'dropped', count: 2 });
    const body = await scrape(app);
    expect(
      value(body, 'cds_cards_returned_total', { catalogue_id: 'DMAB-LAPSED', indicator: 'warning' }),
    ).toBe(1);
    expect(value(body, 'cds_cards_returned_total', { catalogue_id: 'none', indicator: 'info' })).toBe(1);
    expect(value(body, 'cds_auth_failures_total', { reason: 'expired' })).toBe(1);
    expect(value(body, 'cds_store_writes_total', { kind: 'card', outcome: 'ok' })).toBe(5);
    expect(value(body, 'cds_store_writes_total', { kind: 'feedback', outcome: 'dropped' })).toBe(2);
  });

  it('never puts patient ids or request text in labels', async () => {
    app = await buildTestApp();
    await invoke(
      app,
      'osteoporosis-patient-view',
      patientViewRequest({ context: { patientId: 'SECRET-PATIENT-42', userId: 'Practitioner/1' } }),
    );
    expect(await scrape(app)).not.toContain('SECRET-PATIENT-42');
  });

  it('never turns a client-chosen path or service id into a label value', async () => {
    app = await buildTestApp();
    const random = `rnd${Date.now().toString(36)}x`;
    await app.inject({ method: 'POST', url: `/cds-services/${random}`, payload: patientViewRequest() });
    await app.inject({ method: 'POST', url: `/cds-services/${random}/feedback`, payload: { feedback: [] } });
    await app.inject({ method: 'GET', url: `/${random}/anything` });
    const body = await scrape(app);
    expect(body).not.toContain(random);
    // Unknown services count under the route pattern; unmatched paths as one series.
    expect(body).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/cds-services\/:id"[^}]*status_code="404"\}/,
    );
    expect(body).toMatch(/http_request_duration_seconds_count\{[^}]*route="unmatched"[^}]*\}/);
  });

  it('counts real authentication failures by reason', async () => {
    app = await buildTestApp({
      env: { CDS_AUTH: 'required', CDS_TRUST_SANDBOX: 'true', PUBLIC_BASE_URL: 'http://cds.test' },
    });
    const res = await invoke(app, 'osteoporosis-patient-view', patientViewRequest());
    expect(res.statusCode).toBe(401);
    const body = await scrape(app);
    expect(body).toMatch(/^cds_auth_failures_total\{reason="[a-z-]+"\} 1$/m);
  });

  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789';
    app = await buildTestApp({ env: { METRICS_TOKEN: token } });
    const missing = await app.inject({ method: 'GET', url: '/metrics' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(
      (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } }))
        .statusCode,
    ).toBe(401);
    await scrape(app, { authorization: `Bearer ${token}` });
  });

  it('is absent when METRICS_ENABLED=false', async () => {
    app = await buildTestApp({ env: { METRICS_ENABLED: 'false' } });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });

  it('keeps separate counters per app instance', async () => {
    app = await buildTestApp();
    const other = await buildTestApp();
    await invoke(other, 'osteoporosis-patient-view', patientViewRequest());
    expect(value(await scrape(app), 'cds_hook_request_duration_seconds_count')).toBeUndefined();
    await other.close();
  });
});
