import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { fullPrefetch, patientViewRequest, SERVICE } from '../support/requests.js';

/** The log is one structured line per request with CDS facts, and never PHI, tokens or bodies. */
describe('request logging and redaction', () => {
  const lines: string[] = [];
  let app: FastifyInstance;
  let fhir: FhirStandIn;
  const SECRET_TOKEN = 'eyJ-very-secret-access-token';
  const PATIENT_ID = 'pat-ZZ-PHI-4711';
  const PATIENT_NAME = 'Jane Phi-Doe';

  beforeAll(async () => {
    fhir = await startFhirStandIn({
      resources: [{ resourceType: 'Condition', id: 'c1', subject: { reference: `Patient/${PATIENT_ID}` } }],
    });
    app = await buildTestApp({
      env: { LOG_LEVEL: 'trace' },
      logStream: { write: (l) => void lines.push(l) },
    });
  });
  afterAll(async () => {
    await app.close();
    await fhir.close();
  });

  it('writes one line per request with the CDS facts and nothing sensitive', async () => {
    const prefetch = fullPrefetch(PATIENT_ID);
    (prefetch.patient as Record<string, unknown>).name = [{ text: PATIENT_NAME }];
    delete prefetch.conditions;
    const body = patientViewRequest({
      prefetch,
      context: { patientId: PATIENT_ID, userId: 'Practitioner/1' },
      fhirServer: fhir.base,
      fhirAuthorization: {
        access_token: SECRET_TOKEN,
        token_type: 'Bearer',
        expires_in: 300,
        scope: 's',
        subject: 'c',
      },
    });
    const res = await app.inject({
      method: 'POST',
      url: `${SERVICE.patientView}?patient=${PATIENT_ID}`,
      headers: { authorization: `Bearer ${SECRET_TOKEN}` },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    // A failing request too (400 echoes nothing sensitive either).
    await app.inject({ method: 'POST', url: SERVICE.patientView, payload: { ...body, hook: 'nope' } });

    const all = lines.join('\n');
    expect(all).not.toContain(SECRET_TOKEN);
    expect(all).not.toContain(PATIENT_ID);
    expect(all).not.toContain(PATIENT_NAME);

    const completed = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(2);
    const first = completed[0];
    expect(first).toMatchObject({
      method: 'POST',
      route: '/cds-services/:id',
      status: 200,
      serviceId: 'osteoporosis-patient-view',
      hookInstance: body.hookInstance,
      cards: expect.any(Number),
      fetchedKeys: ['conditions'],
    });
    expect(typeof first.reqId).toBe('string');
    expect(typeof first.ms).toBe('number');
    expect(completed[1].status).toBe(400);
  });
});
