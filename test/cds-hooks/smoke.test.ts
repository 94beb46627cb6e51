import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { discoveryResponseSchema } from '../../src/cds-hooks/schemas/response.js';

describe('smoke', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('serves discovery', async () => {
    const res = await app.inject({ method: 'GET', url: '/cds-services' });
    expect(res.statusCode).toBe(200);
    expect(discoveryResponseSchema.safeParse(res.json()).success).toBe(true);
  });
});
