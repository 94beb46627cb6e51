import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Card } from '../../src/protocol/types.js';
import { buildTestApp } from '../support/build-app.js';
import { expectErrorBody, expectValidCdsResponse } from '../support/response-check.js';
import { fullPrefetch, patientViewRequest, SERVICE } from '../support/requests.js';
import * as F from '../clinical/support/fhir.js';
import { parseServiceDefinitions } from '../../src/protocol/service-definitions.js';

/**
 * Issue #16 follow-up: `medicationDispenses` and `chargeItems` were added to the prefetch templates after the first
 * discovery documents. A client that built its prefetch from an older discovery sends neither key, and may send no
 * fhirServer. Those keys only add dose evidence, so the service answers with the cards (noting the missing
 * dispensing records where a card could depend on them) instead of a 412; the essential keys still give 412.
 */

const DISPENSE_NOTE = /Pharmacy dispensing records are not available/;

describe('supplementary prefetch keys without fhirServer', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  /** The prefetch of an older client: a lapsed denosumab course (scenario 8), without the named keys. */
  const olderClientPrefetch = (...leftOut: string[]) => {
    const prefetch = fullPrefetch('p1', {
      medicationAdministrations: [F.prolia('2023-11-15'), F.prolia('2024-05-15')],
      conditions: [F.osteoporosis()],
    });
    for (const key of leftOut) delete prefetch[key];
    return prefetch;
  };
  const call = (prefetch: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: SERVICE.patientView,
      payload: patientViewRequest({ prefetch }),
    });

  it('no medicationDispenses and no chargeItems: 200, the lapse card, noting the missing dispensing records', async () => {
    const res = await call(olderClientPrefetch('medicationDispenses', 'chargeItems'));
    const { cards } = expectValidCdsResponse(res) as { cards: Card[] };
    expect(cards.map((c) => c.source.topic?.code)).toEqual(['DMAB-LAPSE']);
    expect(cards[0]!.indicator).toBe('critical');
    expect(cards[0]!.detail).toMatch(DISPENSE_NOTE);
  });

  it('only chargeItems left out: 200 and no note (billed doses only supplement the medication records)', async () => {
    const { cards } = expectValidCdsResponse(await call(olderClientPrefetch('chargeItems'))) as {
      cards: Card[];
    };
    expect(cards.map((c) => c.source.topic?.code)).toEqual(['DMAB-LAPSE']);
    expect(cards[0]!.detail).not.toMatch(/not available from this EHR/);
  });

  it('the same prefetch with both keys given: no note at all', async () => {
    const { cards } = expectValidCdsResponse(await call(olderClientPrefetch())) as { cards: Card[] };
    expect(cards[0]!.detail).not.toMatch(DISPENSE_NOTE);
  });

  it('an essential key missing as well: 412 naming only the essential key', async () => {
    const err = expectErrorBody(await call(olderClientPrefetch('medicationDispenses', 'conditions')), 412);
    expect(err.details).toEqual({ missingPrefetch: ['conditions'] });
    expect(err.message).toContain('conditions');
    expect(err.message).not.toContain('medicationDispenses');
  });

  it('a supplementary key sent as an OperationOutcome (the client could not fetch it): no data, noted', async () => {
    const prefetch = olderClientPrefetch();
    prefetch.medicationDispenses = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'exception' }],
    };
    const { cards } = expectValidCdsResponse(await call(prefetch)) as { cards: Card[] };
    expect(cards[0]!.detail).toMatch(DISPENSE_NOTE);
  });

  it('discovery still lists both templates, and nothing of the supplementary marking', async () => {
    const res = await app.inject({ method: 'GET', url: '/cds-services' });
    for (const service of res.json().services as Record<string, unknown>[]) {
      expect(Object.keys(service.prefetch as object)).toEqual(
        expect.arrayContaining(['medicationDispenses', 'chargeItems']),
      );
      expect(Object.keys(service)).not.toContain('supplementaryPrefetch');
    }
  });
});

describe('supplementary keys in hooks/prefetch-templates.json', () => {
  const services = {
    services: [{ id: 's', hook: 'patient-view', title: 't', description: 'd' }],
  };
  const templates = (supplementary: string[]) => ({
    supplementary,
    prefetch: { patient: 'Patient/{{context.patientId}}', extra: 'ChargeItem?patient={{context.patientId}}' },
  });

  it('are carried to the definitions, and only the keys the service has', () => {
    expect(parseServiceDefinitions(services, templates(['extra']))[0]!.supplementaryPrefetch).toEqual([
      'extra',
    ]);
    const own = {
      services: [{ ...services.services[0], prefetch: { patient: 'Patient/{{context.patientId}}' } }],
    };
    expect(parseServiceDefinitions(own, templates(['extra']))[0]!.supplementaryPrefetch).toEqual([]);
  });

  it('a supplementary key without a template stops the start-up', () => {
    expect(() => parseServiceDefinitions(services, templates(['missing']))).toThrow(
      /supplementary key missing has no template/,
    );
  });
});
