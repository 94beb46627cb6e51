import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { expectErrorBody } from '../support/response-check.js';
import { SERVICE } from '../support/requests.js';
import type { FeedbackItem } from '../../src/protocol/schemas/feedback.js';

const url = `${SERVICE.orderSelect}/feedback`;
const accepted = {
  card: '9368d37b-283f-44a0-93ea-547cebab93ed',
  outcome: 'accepted',
  acceptedSuggestions: [{ id: 'e56e1945-20b3-4393-8503-a1a20fd73152' }],
  outcomeTimestamp: '2025-06-15T12:01:02.365Z',
};
const overridden = {
  card: '9368d37b-283f-44a0-93ea-547cebab93ed',
  outcome: 'overridden',
  overrideReason: { reason: { code: 'patient-declined', system: 'urn:dmab-cds:override-reason' } },
  outcomeTimestamp: '2025-06-15T12:01:02Z',
};

describe('POST /cds-services/{id}/feedback', () => {
  let app: FastifyInstance;
  const received: FeedbackItem[] = [];
  beforeAll(async () => {
    app = await buildTestApp();
    app.cdsEvents.on('feedback.received', (e) => received.push(...e.items));
  });
  afterAll(() => app.close());

  it('accepts accepted and overridden feedback (as the sandbox sends it) and hands it on', async () => {
    received.length = 0;
    const res = await app.inject({ method: 'POST', url, payload: { feedback: [accepted, overridden] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: 2 });
    expect(received.map((f) => f.outcome)).toEqual(['accepted', 'overridden']);
  });

  it('is idempotent for repeated feedback and fine with unknown card uuids', async () => {
    const first = await app.inject({ method: 'POST', url, payload: { feedback: [accepted] } });
    const again = await app.inject({ method: 'POST', url, payload: { feedback: [accepted] } });
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    const unknown = await app.inject({
      method: 'POST',
      url,
      payload: { feedback: [{ ...accepted, card: 'never-issued' }] },
    });
    expect(unknown.statusCode).toBe(200);
  });

  it.each([
    [
      'accepted without acceptedSuggestions (cds-fb-2)',
      { ...accepted, acceptedSuggestions: undefined },
      /acceptedSuggestions/,
    ],
    ['unknown outcome (cds-fb-1)', { ...accepted, outcome: 'ignored' }, /outcome/],
    [
      'overrideReason without reason or comment (cds-fb-3)',
      { ...overridden, overrideReason: {} },
      /overrideReason/,
    ],
    ['missing outcomeTimestamp', { ...accepted, outcomeTimestamp: undefined }, /outcomeTimestamp/],
    ['outcomeTimestamp not RFC 3339', { ...accepted, outcomeTimestamp: '15/06/2025' }, /outcomeTimestamp/],
    ['missing card', { ...accepted, card: undefined }, /card/],
  ])('400 for %s', async (_name, item, field) => {
    const res = await app.inject({ method: 'POST', url, payload: { feedback: [item] } });
    expect(expectErrorBody(res, 400).message).toMatch(field);
  });

  it('400 when feedback is not an array, 404 for an unknown service', async () => {
    expectErrorBody(await app.inject({ method: 'POST', url, payload: { feedback: accepted } }), 400);
    expectErrorBody(
      await app.inject({
        method: 'POST',
        url: '/cds-services/nope/feedback',
        payload: { feedback: [accepted] },
      }),
      404,
    );
  });
});
