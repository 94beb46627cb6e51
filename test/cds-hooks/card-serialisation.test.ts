import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { expectValidCdsResponse } from '../support/response-check.js';
import { cdsResponseJsonSchema } from '../../src/protocol/schemas/json-schemas.js';
import { RESPONSE_PROFILES } from '../../src/ehr/profile-names.js';
import type { Card } from '../../src/protocol/types.js';
import { catalogueScenarios } from '../scenarios/catalogue-scenarios.js';
import { hookRequest, SERVICE } from '../scenarios/support.js';

/**
 * Fastify serialises hook responses with fast-json-stringify and the JSON schema derived from the zod response
 * schema: strict (a field the schema does not name is not sent) and fast. These tests pin that the derived schema
 * drops nothing a real card carries: every catalogue card (one chart per catalogue id, as catalogue-coverage checks),
 * in every response profile, leaves the service exactly as the service built it.
 */
describe.each(RESPONSE_PROFILES)('every catalogue card serialised unchanged (%s profile)', (profile) => {
  let app: FastifyInstance;
  const built: Card[][] = [];
  beforeAll(async () => {
    app = await buildTestApp({ env: { CDS_RESPONSE_PROFILE: profile } });
    app.cdsEvents.on('hook.completed', (e) => built.push(e.cards));
  });
  afterAll(() => app.close());

  it.each(catalogueScenarios.map((s) => [s.id, s] as const))('%s', async (id, scenario) => {
    built.length = 0;
    const res = await app.inject({
      method: 'POST',
      url: `/cds-services/${SERVICE[scenario.hook]}`,
      payload: hookRequest(
        scenario.hook,
        scenario.resources,
        scenario.drafts ? { drafts: scenario.drafts } : {},
      ),
    });
    const body = expectValidCdsResponse(res);
    expect(built).toHaveLength(1);
    // What the service built, as plain JSON, is what was sent (key order aside).
    expect(body.cards).toEqual(JSON.parse(JSON.stringify(built[0])));
    // The card the chart is built for is among them (Epic's topic codes are alphanumeric: no hyphens).
    const topics = body.cards.map((c) => c.source.topic?.code);
    expect(topics).toContain(profile === 'epic' ? id.replaceAll('-', '') : id);
  });
});

describe('the derived response schema', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    app.post(
      '/echo',
      { schema: { response: { 200: cdsResponseJsonSchema } } },
      async (request) => request.body,
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it('keeps every field the CDS Hooks card schema names, and drops what it does not', async () => {
    const card = {
      uuid: 'c1',
      summary: 'Summary',
      detail: 'Detail',
      indicator: 'info',
      source: {
        label: 'Source',
        url: 'https://example.org',
        icon: 'https://example.org/i.png',
        topic: { system: 'urn:s', code: 'X', display: 'x' },
      },
      suggestions: [
        {
          label: 'Do',
          uuid: 's1',
          isRecommended: true,
          actions: [
            { type: 'create', description: 'Order', resource: { resourceType: 'X', deep: [{ a: 1 }] } },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: [{ system: 'urn:r', code: 'r', display: 'R' }],
      links: [
        { label: 'App', url: 'https://app.example', type: 'smart', appContext: 'ctx', autolaunchable: false },
      ],
    };
    const res = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: { cards: [{ ...card, notInTheSpec: 'x' }], somethingElse: 1 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ cards: [card] });
  });
});
