import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import {
  cdsResponseJsonSchema,
  feedbackRequestJsonSchema,
  hookRequestJsonSchema,
  problemJsonSchema,
} from '../../src/protocol/schemas/json-schemas.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  servers?: { url: string }[];
  paths: Record<string, Record<string, { tags?: string[]; responses?: Record<string, unknown> }>>;
}

describe('OpenAPI', () => {
  it('serves a document generated from the route schemas at /openapi.json', async () => {
    app = await buildTestApp({ env: { PUBLIC_BASE_URL: 'https://cds.example.org' } });
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<OpenApiDocument>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.servers).toEqual([{ url: 'https://cds.example.org' }]);
    expect(doc.paths['/cds-services']?.get?.tags).toEqual(['cds-hooks']);
    expect(doc.paths['/cds-services/{id}']?.post?.responses).toHaveProperty('200');
    expect(doc.paths['/cds-services/{id}/feedback']?.post).toBeDefined();
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect(doc.paths[path]?.get?.tags).toEqual(['operations']);
    expect(doc.paths['/openapi.json']).toBeUndefined();
  });

  it('documents the token-protected routes with their security scheme and error answers', async () => {
    app = await buildTestApp({
      env: { ANALYTICS_ADMIN_TOKEN: 'a'.repeat(30), METRICS_TOKEN: 'm'.repeat(20) },
    });
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<
      OpenApiDocument & { components: { securitySchemes: Record<string, unknown> }; tags: { name: string }[] }
    >();
    const analytics = doc.paths['/analytics/cards']?.get as
      { tags?: string[]; security?: unknown; responses?: Record<string, unknown> } | undefined;
    expect(analytics?.tags).toEqual(['analytics']);
    expect(analytics?.security).toEqual([{ adminToken: [] }]);
    expect(Object.keys(analytics?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(doc.components.securitySchemes).toHaveProperty('adminToken');
    expect(doc.tags.map((t) => t.name)).toContain('analytics');
    expect(Object.keys(doc.paths['/metrics']?.get?.responses ?? {})).toContain('401');
    // The documented 401 is what the route answers.
    const denied = await app.inject({ method: 'GET', url: '/analytics/cards' });
    expect(denied.statusCode).toBe(401);
    expect(denied.json()).toMatchObject({ statusCode: 401 });
  });

  it('documents the request, response and error shapes the zod schemas define', async () => {
    app = await buildTestApp();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApiDocument>();
    type Operation = {
      requestBody?: { content: Record<string, { schema: unknown }> };
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
    };
    const schemaOf = (c?: Record<string, { schema: unknown }>) => c?.['application/json']?.schema;
    const invoke = doc.paths['/cds-services/{id}']?.post as unknown as Operation;
    expect(schemaOf(invoke.requestBody?.content)).toEqual(hookRequestJsonSchema);
    expect(schemaOf(invoke.responses['200']?.content)).toEqual(cdsResponseJsonSchema);
    expect(schemaOf(invoke.responses['4XX']?.content)).toEqual(problemJsonSchema);
    const feedback = doc.paths['/cds-services/{id}/feedback']?.post as unknown as Operation;
    expect(schemaOf(feedback.requestBody?.content)).toEqual(feedbackRequestJsonSchema);
    // The card shape is the strict one: every card needs summary, indicator and source; nothing else is sent.
    expect(cdsResponseJsonSchema).toMatchObject({
      properties: {
        cards: { items: { required: ['summary', 'indicator', 'source'], additionalProperties: false } },
      },
    });
  });

  it('serves Swagger UI at /docs unless OPENAPI_UI=false', async () => {
    app = await buildTestApp();
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('Swagger UI');
    await app.close();
    app = await buildTestApp({ env: { OPENAPI_UI: 'false' } });
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
  });
});
