import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import {
  draftMedicationRequest,
  fullPrefetch,
  orderSelectRequest,
  orderSignRequest,
  patientViewRequest,
  SERVICE,
} from '../support/requests.js';
import type { EngineInput } from '../../src/clinical/evaluator.js';

/** An engine that records what the protocol layer handed it, so the tests see the pipeline's output. */
function recordingEngine() {
  const calls: EngineInput[] = [];
  return {
    calls,
    engine: {
      contentVersion: 'test',
      evaluate: (input: EngineInput) => {
        calls.push(input);
        return [];
      },
    },
  };
}

describe('POST /cds-services/{id}', () => {
  let app: FastifyInstance;
  const recorder = recordingEngine();
  beforeAll(async () => {
    app = await buildTestApp({ engine: recorder.engine });
  });
  afterAll(() => app.close());

  it('patient-view: answers a valid CDS response and hands the rules every prefetched resource', async () => {
    const prefetch = fullPrefetch('p1', {
      conditions: [{ resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' } }],
    });
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch }),
    });
    expectValidCdsResponse(res);
    const input = recorder.calls.at(-1)!;
    expect(input.hook).toBe('patient-view');
    expect(input.patientId).toBe('p1');
    expect(input.resources.map((r) => `${r.resourceType}/${r.id}`).sort()).toEqual([
      'Condition/c1',
      'Patient/p1',
    ]);
    expect(input.now.toISOString()).toBe('2025-06-15T12:00:00.000Z');
  });

  it('order-select: passes draft orders and selections', async () => {
    const res = await app.inject({ method: 'POST', url: SERVICE.orderSelect, payload: orderSelectRequest() });
    expectValidCdsResponse(res);
    const input = recorder.calls.at(-1)!;
    expect(input.selections).toEqual(['MedicationRequest/request-123']);
    expect(input.draftOrders.map((r) => r.id)).toEqual(['request-123']);
  });

  it('order-sign: passes all draft orders', async () => {
    const res = await app.inject({ method: 'POST', url: SERVICE.orderSign, payload: orderSignRequest() });
    expectValidCdsResponse(res);
    expect(recorder.calls.at(-1)!.draftOrders).toHaveLength(1);
    expect(recorder.calls.at(-1)!.selections).toBeUndefined();
  });

  it('accepts a draftOrders Bundle without type or fullUrl, extensions and unknown fields', async () => {
    const body = orderSelectRequest({
      extension: { 'com.example.x': { a: 1 } },
      unknownTopLevel: true,
    });
    (body.context as Record<string, unknown>).extension = { 'org.example': 'x' };
    const res = await app.inject({ method: 'POST', url: SERVICE.orderSelect, payload: body });
    expectValidCdsResponse(res);
  });

  it('accepts DSTU2 MedicationOrder and STU3 ProcedureRequest drafts (the sandbox default server is DSTU2)', async () => {
    const body = orderSelectRequest();
    (body.context as Record<string, unknown>).selections = ['MedicationOrder/order-123'];
    (body.context as Record<string, unknown>).draftOrders = {
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'MedicationOrder',
            id: 'order-123',
            status: 'draft',
            patient: { reference: 'Patient/p1' },
            dateWritten: '2025-06-15',
            dosageInstruction: [
              { doseQuantity: { value: 1 }, timing: { repeat: { frequency: 1, periodUnits: 'd' } } },
            ],
          },
        },
        { resource: { resourceType: 'ProcedureRequest', id: 'pr-1', status: 'draft' } },
      ],
    };
    const res = await app.inject({ method: 'POST', url: SERVICE.orderSelect, payload: body });
    expectValidCdsResponse(res);
    expect(recorder.calls.at(-1)!.draftOrders.map((r) => r.resourceType)).toEqual([
      'MedicationOrder',
      'ProcedureRequest',
    ]);
  });

  it('accepts the sandbox Rx View draft with no medication chosen yet', async () => {
    const body = orderSelectRequest();
    (body.context as Record<string, unknown>).draftOrders = {
      resourceType: 'Bundle',
      entry: [
        { resource: { resourceType: 'MedicationRequest', id: 'request-123', status: 'draft', category: {} } },
      ],
    };
    expectValidCdsResponse(await app.inject({ method: 'POST', url: SERVICE.orderSelect, payload: body }));
  });

  it('reads "Patient/123" in patientId as the bare id', async () => {
    const body = patientViewRequest({ context: { patientId: 'Patient/p1', userId: 'Practitioner/1' } });
    expectValidCdsResponse(await app.inject({ method: 'POST', url: SERVICE.patientView, payload: body }));
    expect(recorder.calls.at(-1)!.patientId).toBe('p1');
  });

  it('unwraps pre-1.0 {response, resource} prefetch values', async () => {
    const prefetch = fullPrefetch('p1');
    prefetch.patient = { response: { status: '200 OK' }, resource: { resourceType: 'Patient', id: 'p1' } };
    expectValidCdsResponse(
      await app.inject({
        method: 'POST',
        url: SERVICE.patientView,
        payload: patientViewRequest({ prefetch }),
      }),
    );
    expect(recorder.calls.at(-1)!.resources.map((r) => r.resourceType)).toEqual(['Patient']);
  });

  it('accepts application/fhir+json', async () => {
    const res = await app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      headers: { 'content-type': 'application/fhir+json' },
      payload: JSON.stringify(patientViewRequest()),
    });
    expectValidCdsResponse(res);
  });

  describe('rejects invalid requests with a 400 that names the field', () => {
    const cases: [string, string, unknown, RegExp][] = [
      [
        'wrong hook for the service',
        SERVICE.patientView,
        { ...patientViewRequest(), hook: 'order-select' },
        /hook/,
      ],
      [
        'missing hookInstance',
        SERVICE.patientView,
        { ...patientViewRequest(), hookInstance: undefined },
        /hookInstance/,
      ],
      ['empty context', SERVICE.patientView, { ...patientViewRequest(), context: {} }, /context\.patientId/],
      ['context is an array', SERVICE.patientView, { ...patientViewRequest(), context: [] }, /context/],
      [
        'patientId with a slash',
        SERVICE.patientView,
        patientViewRequest({ context: { patientId: '../x' } }),
        /patientId/,
      ],
      [
        'order-select without selections',
        SERVICE.orderSelect,
        orderSelectRequest({ context: { patientId: 'p1', draftOrders: { resourceType: 'Bundle' } } }),
        /selections/,
      ],
      [
        'order-sign without draftOrders',
        SERVICE.orderSign,
        orderSignRequest({ context: { patientId: 'p1' } }),
        /draftOrders/,
      ],
      [
        'draftOrders is an array',
        SERVICE.orderSign,
        orderSignRequest({ context: { patientId: 'p1', draftOrders: [draftMedicationRequest()] } }),
        /draftOrders/,
      ],
      [
        'fhirAuthorization without fhirServer (cds-r-1)',
        SERVICE.patientView,
        patientViewRequest({ fhirAuthorization: { access_token: 'x', token_type: 'Bearer' } }),
        /fhirServer/,
      ],
      [
        'fhirServer not a URL',
        SERVICE.patientView,
        patientViewRequest({ fhirServer: 'file:///etc/passwd' }),
        /fhirServer/,
      ],
      ['prefetch is an array', SERVICE.patientView, patientViewRequest({ prefetch: [] }), /prefetch/],
      ['body is an array', SERVICE.patientView, [], /JSON object/],
      ['body is a string', SERVICE.patientView, 'hello', /JSON object/],
    ];
    it.each(cases)('%s', async (_name, url, payload, field) => {
      const res = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
      const body = expectErrorBody(res, 400);
      expect(body.message).toMatch(field);
    });
  });

  it('404 for an unknown service, with CORS headers', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/cds-services/nope',
      headers: { origin: 'https://sandbox.cds-hooks.org' },
      payload: patientViewRequest(),
    });
    expectErrorBody(res, 404);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
