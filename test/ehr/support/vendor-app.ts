import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../support/build-app.js';
import { jwksOf, makeKey, type TestKey } from '../../security/support/keys.js';
import { mint } from '../../security/support/mint.js';
import type { Card } from '../../../src/protocol/types.js';

/**
 * One service trusting the EHRs of the fixture suite the way a hospital would configure it (README, EHR
 * integration): Epic, Oracle Health and the Da Vinci CRD request generator by their trust presets. Each vendor's
 * requests are signed as that vendor signs them, so the profile the service answers with is chosen by the verified
 * issuer, as in production.
 */
export const BASE_URL = 'https://cds.example-hospital.org';
export const EPIC_ISS = 'https://fhir.example-hospital.org/interconnect-fhir-oauth/api/FHIR/R4';
export const EPIC_AUD = 'https://cds.example-hospital.org/epic/osteoporosis';
export const ORACLE_ISS = 'https://cds-hooks.cerner.com';
export const CRD_ISS = 'http://localhost:8080/test-ehr/r4';

export interface VendorApp {
  app: FastifyInstance;
  keys: { epic: TestKey; oracle: TestKey; crd: TestKey };
  /** A token as the vendor mints it, for the service URL called. */
  token(vendor: 'epic' | 'oracle' | 'crd', servicePath: string): Promise<string>;
}

export async function buildVendorApp(fhirServers: string[] = []): Promise<VendorApp> {
  const [epic, oracle, crd] = await Promise.all([makeKey('RS384'), makeKey('RS256'), makeKey('RS256')]);
  const app = await buildTestApp({
    env: {
      CDS_AUTH: 'required',
      PUBLIC_BASE_URL: BASE_URL,
      LOAD_SHEDDING_ENABLED: 'false',
      CDS_TRUSTED_ISSUERS: JSON.stringify({
        issuers: [
          {
            iss: EPIC_ISS,
            preset: 'epic',
            jwks: jwksOf(epic),
            audiences: [EPIC_AUD],
            fhirServers: [EPIC_ISS],
          },
          { iss: ORACLE_ISS, preset: 'oracle-health', jwks: jwksOf(oracle), fhirServers },
          { iss: CRD_ISS, preset: 'davinci-crd', jwks: jwksOf(crd), fhirServers },
        ],
      }),
    },
  });
  return {
    app,
    keys: { epic, oracle, crd },
    token: (vendor, servicePath) => {
      if (vendor === 'epic') {
        return mint(epic, {
          iss: EPIC_ISS,
          aud: EPIC_AUD,
          lifetime: 900,
          claims: { sub: 'epic-client-id', nbf: Math.floor(Date.now() / 1000) - 300 },
        });
      }
      if (vendor === 'oracle')
        return mint(oracle, { iss: ORACLE_ISS, aud: BASE_URL + servicePath, lifetime: 300 });
      return mint(crd, { iss: CRD_ISS, aud: BASE_URL + servicePath, lifetime: 86_400 });
    },
  };
}

export const codesOf = (cards: Card[]) => cards.map((c) => c.source.topic?.code).sort();
export const actionsOf = (card: Card) => (card.suggestions ?? []).flatMap((s) => s.actions ?? []);
