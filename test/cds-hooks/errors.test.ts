import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import { fullPrefetch, patientViewRequest, SERVICE } from '../support/requests.js';

/** Named bad inputs: each gets a clear JSON 4xx, never a 500, and the service keeps serving. */
describe('bad input table', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ env: { BODY_LIMIT_BYTES: '65536' } });
  });
  afterAll(() => app.close());

  const json = (payload: unknown) => ({
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const noPrefetch = (() => {
    const b = patientViewRequest();
    delete (b as Record<string, unknown>).prefetch;
    return b;
  })();

  const table: {
    name: string;
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    url?: string;
    contentType?: string;
    payload?: string;
    status: number;
    message?: RegExp;
  }[] = [
    {
      name: 'no prefetch member at all (a peer service crashes on this)',
      ...bodyOf(noPrefetch),
      status: 412,
      message: /no fhirServer/,
    },
    { name: 'malformed JSON', payload: '{"hook": "patient-view",', status: 400, message: /Malformed JSON/ },
    { name: 'empty body with JSON content type', payload: '', status: 400 },
    { name: 'JSON null body', payload: 'null', status: 400, message: /JSON object/ },
    {
      name: 'wrong hook',
      ...bodyOf({ ...patientViewRequest(), hook: 'medication-prescribe' }),
      status: 400,
      message: /hook/,
    },
    {
      name: 'empty context',
      ...bodyOf({ ...patientViewRequest(), context: {} }),
      status: 400,
      message: /patientId/,
    },
    {
      name: 'arrays where objects belong',
      ...bodyOf({ ...patientViewRequest(), context: [1, 2] }),
      status: 400,
    },
    {
      name: 'numbers where strings belong',
      ...bodyOf({ ...patientViewRequest(), hookInstance: 42 }),
      status: 400,
      message: /hookInstance/,
    },
    {
      name: 'deeply nested JSON (10k levels)',
      ...bodyOf(
        undefined,
        JSON.stringify({ ...patientViewRequest(), extension: 0 }).replace(
          '"extension":0',
          `"extension":${deep(10000)}`,
        ),
      ),
      // JSON_MAX_DEPTH (100): refused before JSON.parse, which spends seconds on millions of levels (issue 11).
      status: 400,
      message: /nests deeper than 100 levels/,
    },
    {
      name: 'deeply nested prefetch value',
      ...bodyOf(
        undefined,
        JSON.stringify({ ...patientViewRequest(), prefetch: { ...fullPrefetch(), conditions: 0 } }).replace(
          '"conditions":0',
          `"conditions":${deep(5000)}`,
        ),
      ),
      status: 400,
      message: /JSON_MAX_DEPTH/,
    },
    {
      name: 'huge string over the body limit',
      ...bodyOf({ ...patientViewRequest(), hookInstance: 'x'.repeat(100_000) }),
      status: 413,
    },
    {
      name: 'very long hookInstance under the body limit',
      ...bodyOf({ ...patientViewRequest(), hookInstance: 'x'.repeat(10_000) }),
      status: 400,
      message: /hookInstance/,
    },
    {
      name: 'prefetch values that are not FHIR resources',
      ...bodyOf({
        ...patientViewRequest(),
        prefetch: { ...fullPrefetch(), patient: 'Patient/p1', conditions: [1], observations: 7 },
      }),
      status: 412,
      message: /patient, conditions, observations/,
    },
    {
      name: '__proto__ pollution attempt',
      payload: '{"__proto__":{"polluted":true},"hook":"patient-view"}',
      status: 400,
    },
    { name: 'wrong content type', contentType: 'text/plain', payload: 'hello', status: 415 },
    {
      name: 'form-encoded body',
      contentType: 'application/x-www-form-urlencoded',
      payload: 'a=b',
      status: 415,
    },
    {
      name: 'unknown service',
      url: '/cds-services/does-not-exist',
      ...bodyOf(patientViewRequest()),
      status: 404,
    },
    {
      name: 'service id with path traversal',
      url: '/cds-services/..%2F..%2Fetc',
      ...bodyOf(patientViewRequest()),
      status: 404,
    },
    { name: 'unknown route', url: '/nope', method: 'GET', status: 404 },
    { name: 'GET on a POST route', url: SERVICE.patientView, method: 'GET', status: 405 },
    { name: 'PUT on discovery', url: '/cds-services', method: 'PUT', ...bodyOf({}), status: 405 },
    { name: 'DELETE on feedback', url: `${SERVICE.patientView}/feedback`, method: 'DELETE', status: 405 },
  ];

  function bodyOf(value: unknown, raw?: string) {
    return { payload: raw ?? JSON.stringify(value) };
  }

  it.each(table)('$name → $status', async (row) => {
    const res = await app.inject({
      method: row.method ?? 'POST',
      url: row.url ?? SERVICE.patientView,
      headers: { 'content-type': row.contentType ?? 'application/json' },
      ...(row.payload !== undefined ? { payload: row.payload } : {}),
    });
    if (row.status === 200) {
      expectValidCdsResponse(res);
    } else {
      const body = expectErrorBody(res, row.status);
      if (row.message) expect(body.message).toMatch(row.message);
    }
    if (row.status === 405) expect(res.headers.allow).toMatch(/GET|POST/);
    // The service keeps serving after every bad input.
    expectValidCdsResponse(
      await app.inject({ method: 'POST', url: SERVICE.patientView, ...json(patientViewRequest()) }),
    );
  });

  it('Object.prototype is not polluted', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a rules failure is a generic 500 JSON without internals', async () => {
    const broken = await buildTestApp({
      engine: {
        contentVersion: 'x',
        evaluate: () => {
          throw new Error('secret internal detail');
        },
      },
    });
    try {
      const res = await broken.inject({
        method: 'POST',
        url: SERVICE.patientView,
        ...json(patientViewRequest()),
      });
      const body = expectErrorBody(res, 500);
      expect(res.body).not.toContain('secret internal detail');
      expect(body.message).toMatch(/Internal error/);
    } finally {
      await broken.close();
    }
  });
});
