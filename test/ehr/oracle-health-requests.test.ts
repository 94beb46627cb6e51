import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidCdsResponse } from '../support/response-check.js';
import { bearer } from '../security/support/auth-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import * as F from '../clinical/support/fhir.js';
import { SERVICE } from '../scenarios/support.js';
import { loadProjectKnowledge } from '../../src/service/knowledge.js';
import { buildVendorApp, codesOf, type VendorApp } from './support/vendor-app.js';

const cardCatalogue = loadProjectKnowledge().cards;

/**
 * Requests shaped as Oracle Health (Cerner Millennium) sends them (github.com/cerner/fhir.cerner.com,
 * content/millennium/cds_hooks.md): `patient-view` only, iss https://cds-hooks.cerner.com, no prefetch (everything
 * from the registered FHIR server, with a bearer token of the registered scopes); cards shown as critical pop-ups or
 * in a sidebar about an eighth of the screen wide. Checked: status, a valid 2.0 response, the card ids, compact
 * non-critical cards. (The FHIR server here serves every type; an Oracle-like server without MedicationStatement is
 * the fallback suite's, test/ehr/fallback-*.test.ts.)
 */
describe('Oracle Health requests', () => {
  let t: VendorApp;
  let fhir: FhirStandIn;
  beforeAll(async () => {
    fhir = await startFhirStandIn({
      resources: [
        F.patient(),
        F.osteoporosis(),
        F.prolia('2024-11-15'),
        F.condition(F.icd('S32.010A'), { onset: '2024-10-15' }),
      ],
    });
    t = await buildVendorApp([fhir.base]);
  });
  afterAll(async () => {
    await t.app.close();
    await fhir.close();
  });

  it('patient-view without prefetch: cards from the FHIR server, non-critical ones compact, the token sent there', async () => {
    const path = `/cds-services/${SERVICE['patient-view']}`;
    const res = await t.app.inject({
      method: 'POST',
      url: path,
      headers: bearer(await t.token('oracle', path)),
      payload: {
        hook: 'patient-view',
        hookInstance: '3d2e8a8b-2f9e-4c71-9a3e-0b4f7c2d1e55',
        fhirServer: fhir.base,
        fhirAuthorization: {
          access_token: 'oracle-bearer-token',
          token_type: 'Bearer',
          expires_in: 570,
          scope: 'patient/Patient.read patient/Observation.read patient/MedicationRequest.read',
          subject: 'cds-service',
        },
        context: { patientId: 'p1', userId: 'Practitioner/12742069' },
      },
    });
    const { cards } = expectValidCdsResponse(res);
    // Overdue after a vertebral fracture is raised to the critical lapse card (a pop-up); the fracture card is not.
    expect(codesOf(cards)).toEqual(['DMAB-LAPSE', 'VFX-RECENT']);
    expect(cards.filter((c) => c.indicator !== 'critical').length).toBeGreaterThan(0);
    for (const card of cards.filter((c) => c.indicator !== 'critical')) {
      expect(card.detail).not.toContain(`**${cardCatalogue.meta.sourcesHeading}**`);
      expect(card.detail).toMatch(/\*\*Source:\*\*/);
      expect(card.links?.length ?? 0).toBeGreaterThan(0);
    }
    expect(fhir.seen.some((r) => r.authorization === 'Bearer oracle-bearer-token')).toBe(true);
  });
});
