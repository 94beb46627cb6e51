import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/build-app.js';
import { CATALOGUE_IDS } from '../../src/clinical/findings.js';
import { catalogueScenarios } from './catalogue-scenarios.js';
import { codes, invoke } from './support.js';

/** Every catalogue id of R16 fires over HTTP with its indicator (own scenarios beyond the section 3 sample). */
describe('card catalogue coverage over HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it(`the scenarios build one chart for each of the ${CATALOGUE_IDS.length} catalogue ids`, () => {
    expect(catalogueScenarios.map((s) => s.id).sort()).toEqual([...CATALOGUE_IDS].sort());
  });

  it.each(catalogueScenarios.map((s) => [s.id, s.indicator, s] as const))(
    '%s fires (%s)',
    async (id, indicator, scenario) => {
      const cards = await invoke(app, scenario.hook, scenario.resources, {
        ...(scenario.drafts ? { drafts: scenario.drafts } : {}),
      });
      expect(codes(cards)).toEqual(
        expect.arrayContaining([`${id}:${indicator}`, ...(scenario.alsoFires ?? [])]),
      );
    },
  );
});
