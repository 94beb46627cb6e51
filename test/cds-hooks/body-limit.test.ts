import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { generatePatient } from '../../bench/patients.js';
import { hookRequest } from '../../bench/requests.js';
import { buildTestApp } from '../support/build-app.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import { patientViewRequest, SERVICE } from '../support/requests.js';

/**
 * Issue #16 item 6: realistic charts are accepted by default — the benchmark's 10,000-resource patient (about
 * 5.6 MB of prefetch) is answered with the default BODY_LIMIT_BYTES — and a body over the limit is visible: a
 * warning log line and the hook-failure metric, both naming the service.
 */

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('request body limit', () => {
  it('the default configuration answers the 10,000-resource patient (no 413)', async () => {
    app = await buildTestApp({ env: { LOAD_SHEDDING_ENABLED: 'false' } });
    const patient = generatePatient('huge', new Date('2025-06-15T12:00:00Z'));
    const payload = JSON.stringify(hookRequest('patient-view', patient));
    expect(payload.length).toBeGreaterThan(5 * 1_048_576);
    expect(payload.length).toBeLessThan(app.config.bodyLimitBytes);
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      headers: { 'content-type': 'application/json' },
      payload,
    });
    const body = expectValidCdsResponse(res) as { cards: { source: { topic?: { code: string } } }[] };
    expect(body.cards.length).toBeGreaterThan(0);
  });

  it('413 over the limit: a log line and a metric that name the service', async () => {
    const lines: string[] = [];
    app = await buildTestApp({
      env: { BODY_LIMIT_BYTES: '4096', LOG_LEVEL: 'info' },
      logStream: { write: (line) => lines.push(line) },
    });
    const payload = JSON.stringify({ ...patientViewRequest(), padding: 'x'.repeat(8192) });
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expectErrorBody(res, 413);

    const warning = lines.map((l) => JSON.parse(l)).find((l) => /BODY_LIMIT_BYTES/.test(l.msg));
    expect(warning).toMatchObject({
      serviceId: 'osteoporosis-patient-view',
      hook: 'patient-view',
      bodyLimitBytes: 4096,
    });
    // Never the body itself.
    expect(lines.join('\n')).not.toContain('xxxxxxxx');

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /cds_hook_failures_total\{service="osteoporosis-patient-view",status_code="413"\} 1/,
    );
  });
});
