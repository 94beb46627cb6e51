import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';

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
