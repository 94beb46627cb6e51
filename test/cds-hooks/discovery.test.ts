import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { discoveryResponseSchema } from '../../src/protocol/schemas/response.js';
import { assertValidTemplate } from '../../src/protocol/prefetch/templates.js';

describe('GET /cds-services (discovery)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('lists the three services with every documented field and a valid 2.0 shape', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/cds-services',
      headers: { accept: 'application/json' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(discoveryResponseSchema.safeParse(body).success).toBe(true);
    const byHook = Object.fromEntries(body.services.map((s: { hook: string }) => [s.hook, s]));
    expect(Object.keys(byHook).sort()).toEqual(['order-select', 'order-sign', 'patient-view']);
    for (const s of body.services) {
      expect(s.id).toMatch(/^osteoporosis-/);
      expect(s.title.length).toBeGreaterThan(10);
      expect(s.description.length).toBeGreaterThan(20);
      expect(s.usageRequirements.length).toBeGreaterThan(10);
      expect(Object.keys(s.prefetch).sort()).toEqual(
        [
          'chargeItems',
          'conditions',
          'medicationAdministrations',
          'medicationDispenses',
          'medicationRequests',
          'medicationStatements',
          'observations',
          'patient',
          'procedures',
        ].sort(),
      );
    }
    // ids are unique: the sandbox keys services by id and silently drops duplicates.
    expect(new Set(body.services.map((s: { id: string }) => s.id)).size).toBe(3);
  });

  it('uses only CDS Hooks 2.0 prefetch tokens and never draftOrders', async () => {
    const body = (await app.inject({ method: 'GET', url: '/cds-services' })).json();
    for (const s of body.services) {
      for (const [key, template] of Object.entries<string>(s.prefetch)) {
        expect(() => assertValidTemplate(s.hook, key, template)).not.toThrow();
        expect(template).not.toMatch(/draftOrders|selections|Practitioner\/\{\{context\.userId/);
        expect(template).toContain('{{context.patientId}}');
      }
    }
  });

  it('accepts a trailing slash', async () => {
    const res = await app.inject({ method: 'GET', url: '/cds-services/' });
    expect(res.statusCode).toBe(200);
  });
});

describe('prefetch template rules', () => {
  it.each([
    ['{{context.draftOrders.entry.resource.id}}', 'nested / draftOrders token'],
    ['{{context.selections}}', 'non-prefetch-token context field'],
    ['{{Patient.id}}', 'pre-1.0 token'],
    ['{{today()}}', '3.0-ballot FHIRPath'],
    ['https://evil.example/Patient/{{context.patientId}}', 'absolute URL'],
  ])('rejects %s (%s)', (template) => {
    expect(() => assertValidTemplate('order-select', 'k', template)).toThrow();
  });

  it('accepts the user*Id family and context ids', () => {
    expect(() =>
      assertValidTemplate(
        'patient-view',
        'k',
        'PractitionerRole?_id={{userPractitionerRoleId}}&x={{context.encounterId}}',
      ),
    ).not.toThrow();
  });
});
