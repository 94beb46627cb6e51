import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { cdsResponseSchema } from '../../src/protocol/schemas/response.js';
import { orderSelectRequest, patientViewRequest, SERVICE } from '../support/requests.js';

/**
 * Property: no client input produces a 5xx or stops the process. Every answer is JSON; 200s are valid CDS
 * responses. Bodies are random JSON, random mutations of valid requests, and random bytes; headers are random.
 */
describe('fuzz: no input produces a 500', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ env: { BODY_LIMIT_BYTES: '65536' } });
  });
  afterAll(() => app.close());

  const urls = fc.constantFrom(
    SERVICE.patientView,
    SERVICE.orderSelect,
    SERVICE.orderSign,
    `${SERVICE.orderSelect}/feedback`,
    '/cds-services',
  );

  async function check(method: string, url: string, headers: Record<string, string>, payload: string) {
    const res = await app.inject({ method: method as 'POST', url, headers, payload });
    expect(res.statusCode, `${method} ${url} ${payload.slice(0, 200)}`).toBeLessThan(500);
    if (res.body.length > 0) expect(() => JSON.parse(res.body)).not.toThrow();
    if (res.statusCode === 200 && url.startsWith('/cds-services/') && !url.endsWith('/feedback')) {
      expect(cdsResponseSchema.safeParse(res.json()).success).toBe(true);
    }
  }

  it('random JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(urls, fc.jsonValue({ maxDepth: 6 }), async (url, value) => {
        await check('POST', url, { 'content-type': 'application/json' }, JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('valid requests with random parts replaced', async () => {
    const base = { pv: patientViewRequest(), os: orderSelectRequest() };
    const paths = [
      ['hook'],
      ['hookInstance'],
      ['context'],
      ['context', 'patientId'],
      ['context', 'selections'],
      ['context', 'draftOrders'],
      ['context', 'draftOrders', 'entry'],
      ['prefetch'],
      ['prefetch', 'patient'],
      ['prefetch', 'conditions'],
      ['fhirServer'],
      ['fhirAuthorization'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('pv', 'os') as fc.Arbitrary<'pv' | 'os'>,
        fc.constantFrom(...paths),
        fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.constant(undefined)),
        async (which, path, value) => {
          const body = structuredClone(base[which]) as Record<string, unknown>;
          let target = body;
          for (const p of path.slice(0, -1)) {
            if (typeof target[p] !== 'object' || target[p] === null) target[p] = {};
            target = target[p] as Record<string, unknown>;
          }
          target[path.at(-1)!] = value;
          const url = which === 'pv' ? SERVICE.patientView : SERVICE.orderSelect;
          await check('POST', url, { 'content-type': 'application/json' }, JSON.stringify(body));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes, methods and headers', async () => {
    const headerName = fc
      .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
      .filter((h) => !['content-length', 'host', 'transfer-encoding'].includes(h));
    const headerValue = fc.string({ maxLength: 100 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'OPTIONS', 'DELETE', 'PATCH'),
        urls,
        fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
        fc.constantFrom(
          'application/json',
          'application/fhir+json',
          'text/plain',
          'application/json; charset=utf-8',
          '',
        ),
        fc.string({ maxLength: 300 }),
        async (method, url, headers, contentType, payload) => {
          const h: Record<string, string> = { ...headers };
          if (contentType) h['content-type'] = contentType;
          await check(method, url, h, method === 'GET' || method === 'OPTIONS' ? '' : payload);
        },
      ),
      { numRuns: 300 },
    );
  });
});
