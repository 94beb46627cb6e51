import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { fixedClock } from '../../src/clock.js';
import { loadServiceDefinitions } from '../../src/service/knowledge.js';
import type { Card } from '../../src/protocol/types.js';
import { demoPatients } from '../../fixtures/demo-patients.js';
import { hookRequest, hooksFor, serviceFor } from '../../fixtures/demo-requests.js';

/**
 * Every demo patient shows the card it was made for, on its hook, with its indicator, and the "no card" patients
 * get nothing above info. Run at two different "now"s (one a month end) because the charts are dated relative to
 * now.
 */

for (const iso of ['2025-06-15T12:00:00Z', '2025-12-31T09:00:00Z']) {
  describe(`demo patients show their intended cards (now = ${iso})`, () => {
    let app: FastifyInstance;
    const services = loadServiceDefinitions();
    const now = new Date(iso);
    beforeAll(async () => {
      app = await buildTestApp({ clock: fixedClock(iso) });
    });
    afterAll(() => app.close());

    async function cardsFor(patientId: string, hook: (typeof services)[number]['hook']): Promise<Card[]> {
      const patient = demoPatients(now).find((p) => p.id === patientId)!;
      const service = serviceFor(services, hook)!;
      const res = await app.inject({
        method: 'POST',
        url: `/cds-services/${service.id}`,
        payload: hookRequest(service, patient, { withPrefetch: true }),
      });
      expect(res.statusCode, `${patientId} ${hook}: ${res.body.slice(0, 300)}`).toBe(200);
      return (res.json() as { cards: Card[] }).cards;
    }

    it('shows each catalogue card for the patient made for it', async () => {
      const problems: string[] = [];
      for (const patient of demoPatients(now)) {
        for (const expected of patient.expected) {
          const cards = await cardsFor(patient.id, expected.hook);
          const card = cards.find((c) => c.source.topic?.code === expected.cardId);
          const got =
            cards.map((c) => `${c.source.topic?.code ?? '?'}:${c.indicator}`).join(', ') || 'no cards';
          if (!card) problems.push(`${patient.id} ${expected.hook}: wanted ${expected.cardId}, got ${got}`);
          else if (card.indicator !== expected.indicator) {
            problems.push(
              `${patient.id} ${expected.hook}: ${expected.cardId} is ${card.indicator}, wanted ${expected.indicator}`,
            );
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('gives the "no card" patients nothing above info', async () => {
      const problems: string[] = [];
      for (const patient of demoPatients(now).filter((p) => p.expected.length === 0)) {
        for (const hook of hooksFor(patient)) {
          const loud = (await cardsFor(patient.id, hook)).filter((c) => c.indicator !== 'info');
          if (loud.length > 0)
            problems.push(`${patient.id} ${hook}: ${loud.map((c) => c.source.topic?.code).join(', ')}`);
        }
      }
      expect(problems).toEqual([]);
    });
  });
}
