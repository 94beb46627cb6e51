import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, testConfig, TEST_NOW } from '../support/build-app.js';
import { createInProcessService } from '../../src/service/in-process.js';
import { loadProjectKnowledge } from '../../src/service/knowledge.js';
import { HttpProblem } from '../../src/errors.js';
import type { Card } from '../../src/protocol/types.js';
import { demoPatients } from '../../fixtures/demo-patients.js';
import { hookRequest, hooksFor, serviceFor } from '../../fixtures/demo-requests.js';

/**
 * The in-process service (src/service/in-process.ts) that the bench and the scripts call: the same invokeHook as
 * the HTTP route, so the same request gives the same cards either way, and the same errors.
 */
const now = new Date(TEST_NOW);
const config = testConfig();
const service = createInProcessService(loadProjectKnowledge(), {
  fhir: config.fhir,
  clinical: config.clinical,
  selfCheck: true,
});
// uuids and the ids of suggested resources are fresh per call: compare what the clinician reads.
const visible = (cards: Card[]) =>
  cards.map((c) => ({
    topic: c.source.topic?.code,
    indicator: c.indicator,
    summary: c.summary,
    detail: c.detail,
  }));

describe('the service called in process', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('answers every demo patient on every hook with the cards the HTTP route gives', async () => {
    let compared = 0;
    for (const patient of demoPatients(now)) {
      for (const hook of hooksFor(patient)) {
        const definition = serviceFor(service.services, hook)!;
        const body = hookRequest(definition, patient, { withPrefetch: true });
        const inProcess = await service.call(definition.id, body, now);
        const http = await app.inject({
          method: 'POST',
          url: `/cds-services/${definition.id}`,
          payload: body,
        });
        expect(http.statusCode).toBe(200);
        expect(visible(inProcess.cards), `${patient.id} ${hook}`).toEqual(
          visible((http.json() as { cards: Card[] }).cards),
        );
        compared += inProcess.cards.length;
      }
    }
    expect(compared).toBeGreaterThan(20);
    expect(service.contentVersion).toMatch(/\+cards-/);
  });

  it('refuses an unknown service (404) and an invalid request (400) like the route', async () => {
    await expect(service.call('no-such-service', {})).rejects.toMatchObject({ statusCode: 404 });
    const invalid = service.call('osteoporosis-patient-view', { hook: 'patient-view' });
    await expect(invalid).rejects.toBeInstanceOf(HttpProblem);
    await expect(invalid).rejects.toMatchObject({ statusCode: 400 });
  });
});
