import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importJWK, SignJWT, type JWK } from 'jose';
import type { FhirResource } from '../../../src/protocol/types.js';

/**
 * The official CDS Hooks sandbox as a CDS client, written from its source (github.com/cds-hooks/sandbox @ 3b7e255,
 * read, not copied):
 * - src/retrieve-data-helpers/service-exchange.js `callServices`: the request is `{hookInstance: uuid v4, hook,
 *   fhirServer, context}`, plus `fhirAuthorization` only when a SMART launch gave an access token (then
 *   `{access_token, token_type: "Bearer", expires_in, scope: allScopes, subject: productionClientId}` from
 *   src/config/fhir-config.js), plus `prefetch` only when at least one key resolved;
 * - the same file, `prefetchDataPromises`: each template is filled (`{{context.patientId}}`, `{{context.userId}}`,
 *   user ids, `{{today()}}`) and fetched from fhirServer (`POST {Type}/_search`, then GET); a key whose fetch fails
 *   (e.g. a type the server does not have) or keeps an unresolved token is LEFT OUT, never sent as null; a result is
 *   sent as the server returned it (a HAPI searchset with `fullUrl`, `search.mode` and its `next` link);
 * - `context` is `{patientId, userId}` of the current patient and user, extended by the screen's generateContext:
 *   src/components/PatientView/patient-view.jsx (nothing more), src/components/RxView/rx-view.jsx (order-select:
 *   `selections: ["<Type>/<id>"]`, `draftOrders: {resourceType: "Bundle", entry: [{resource}]}` — no type, no
 *   fullUrl), src/components/RxSign/rx-sign.jsx (order-sign: the same without selections);
 * - the draft resource, src/reducers/medication-reducers.js `createFhirResource`: `MedicationOrder/order-123` with
 *   `patient`, `dateWritten`, DSTU2 `dosageInstruction[].doseQuantity` and `timing.repeat.periodUnits` below FHIR
 *   3.0.1, `MedicationRequest/request-123` with `subject`, `authoredOn` and (R4) `doseAndRate` otherwise; the drug as
 *   `medicationCodeableConcept {text, coding: [{display, system: RxNorm, code}]}` from its list
 *   (src/assets/medication-list.js, which has oral alendronate/risedronate/ibandronate and prednisone, no injectable
 *   osteoporosis drug); no medication at all when the screen is first entered;
 * - defaults: src/reducers/fhir-server-reducers.js (DSTU2 `https://launch.smarthealthit.org/v/r2/fhir`, fhirVersion
 *   1.0.2), src/reducers/patient-reducers.js (patient `smart-1288992`, user `Practitioner/COREPRACTITIONER1`);
 * - the JWT, src/retrieve-data-helpers/jwt-generator.js: ES384, header `{alg, typ, kid, jku}`, payload `{iss, aud =
 *   the exact service URL, exp = iat + 300, iat, jti}` (its shape is tested in test/security/sandbox.test.ts).
 * Summary in /work/shared/cds-hooks/spec-checklist.md 2.10 and 3.7.
 */

export const SANDBOX_PATIENT = 'smart-1288992';
export const SANDBOX_USER = 'Practitioner/COREPRACTITIONER1';
export const SANDBOX_ISS = 'https://sandbox.cds-hooks.org';

/** src/config/fhir-config.js: the fixed scope string and client id the sandbox puts in fhirAuthorization. */
export const SANDBOX_FHIR_AUTHORIZATION = {
  access_token: 'smart-launch-access-token',
  token_type: 'Bearer',
  expires_in: 3600,
  scope: 'patient/*.* user/*.* launch openid profile online_access',
  subject: '48163c5e-88b5-4cb3-92d3-23b800caa927',
};

const keypair = JSON.parse(
  readFileSync(new URL('../../fixtures/sandbox/jwk-keypair.json', import.meta.url), 'utf8'),
) as { keys: (JWK & { kid: string })[] };

/** A token exactly as the sandbox signs it (its published private key, test/fixtures/sandbox). */
export async function sandboxToken(aud: string): Promise<string> {
  const jwk = keypair.keys[0]!;
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: SANDBOX_ISS, aud, exp: iat + 300, iat, jti: randomUUID() })
    .setProtectedHeader({
      alg: 'ES384',
      typ: 'JWT',
      kid: jwk.kid,
      jku: 'https://sandbox.cds-hooks.org/.well-known/jwks.json',
    })
    .sign(await importJWK(jwk, 'ES384'));
}

/** A searchset as the sandbox's HAPI servers return it and the sandbox forwards it (fullUrl, search mode, links). */
export function hapiSearchset(
  base: string,
  query: string,
  resources: FhirResource[],
  next?: string,
): FhirResource {
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: '2025-06-15T11:59:58.000+00:00' },
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: `${base}/${query}` }, ...(next ? [{ relation: 'next', url: next }] : [])],
    entry: resources.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

export interface SandboxDrug {
  /** RxNorm code and name as in the sandbox's src/assets/medication-list.js. */
  code: string;
  name: string;
}

/** The draft the sandbox's Rx View / Rx Sign builds (createFhirResource), for its FHIR version. */
export function sandboxDraft(
  fhirVersion: '1.0.2' | '4.0.1',
  drug?: SandboxDrug,
  instructions?: { pills: number; perDay: number },
): FhirResource {
  const stu3 = fhirVersion !== '1.0.2';
  const resource: FhirResource = {
    resourceType: stu3 ? 'MedicationRequest' : 'MedicationOrder',
    id: stu3 ? 'request-123' : 'order-123',
    status: 'draft',
    [stu3 ? 'subject' : 'patient']: { reference: `Patient/${SANDBOX_PATIENT}` },
    [stu3 ? 'authoredOn' : 'dateWritten']: '2025-06-15',
  };
  if (!drug) return resource;
  if (instructions) {
    const doseQuantity = { value: instructions.pills, system: 'http://unitsofmeasure.org', code: '{pill}' };
    resource.dosageInstruction = [
      {
        timing: {
          repeat: { frequency: instructions.perDay, period: 1, [stu3 ? 'periodUnit' : 'periodUnits']: 'd' },
        },
        ...(stu3 ? { doseAndRate: [{ doseQuantity }] } : { doseQuantity }),
      },
    ];
  }
  resource.medicationCodeableConcept = {
    text: drug.name,
    coding: [{ display: drug.name, system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: drug.code }],
  };
  return resource;
}

/** `callServices`: the request body the sandbox POSTs. */
export function sandboxRequest(
  hook: 'patient-view' | 'order-select' | 'order-sign',
  fhirServer: string,
  options: {
    draft?: FhirResource;
    prefetch?: Record<string, FhirResource>;
    fhirAuthorization?: typeof SANDBOX_FHIR_AUTHORIZATION;
  } = {},
): Record<string, unknown> {
  const context: Record<string, unknown> = { patientId: SANDBOX_PATIENT, userId: SANDBOX_USER };
  if (hook === 'order-select' && options.draft)
    context.selections = [`${options.draft.resourceType}/${options.draft.id}`];
  if (hook !== 'patient-view' && options.draft)
    context.draftOrders = { resourceType: 'Bundle', entry: [{ resource: options.draft }] };
  return {
    hookInstance: randomUUID(),
    hook,
    fhirServer,
    context,
    ...(options.fhirAuthorization ? { fhirAuthorization: options.fhirAuthorization } : {}),
    ...(options.prefetch && Object.keys(options.prefetch).length > 0 ? { prefetch: options.prefetch } : {}),
  };
}
