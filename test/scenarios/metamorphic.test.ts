import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { FhirResource, HookName } from '../../src/protocol/types.js';
import { projectPath } from '../../src/paths.js';
import { buildTestApp } from '../support/build-app.js';
import { startFhirStandIn, type FhirStandIn } from '../support/fhir-stand-in.js';
import { HAPI } from '../ehr/vendor-profiles.js';
import { expectValidCdsResponse } from '../support/response-check.js';
import { PATIENT_ID } from '../clinical/support/fhir.js';
import { SERVICE } from './support.js';
import { FAMILIES, urnOf, type Case, type Family } from './metamorphic/families.js';
import { scenarios, type Scenario } from './metamorphic/scenarios.js';

/**
 * Metamorphic suite (issue #16): the same clinical facts, re-encoded in every shape family, give the same cards
 * in both data paths — prefetch, and the FHIR fallback against a real HTTP FHIR server (the stand-in). Per family
 * it prints how many variants pass in each path. A family that needs what the service does not read yet (a
 * prefetch template, Medication reads from fhirServer) is reported as such and not counted as passing.
 */

type Path = 'prefetch' | 'fallback';
const templates = (
  JSON.parse(readFileSync(projectPath('hooks/prefetch-templates.json'), 'utf8')) as {
    prefetch: Record<string, string>;
  }
).prefetch;
const keyOfType = (type: string) =>
  Object.entries(templates).find(([, t]) => t.startsWith(`${type}?`) || t.startsWith(`${type}/`))?.[0];
const MEDICATION_KEY = keyOfType('MedicationRequest');

/** The key whose Bundle holds `medication` in a transaction-style request: its referrer's (urnFullUrls). */
function referrerKey(resources: FhirResource[], medication: FhirResource): string | undefined {
  const urn = urnOf(String(medication.id));
  const referrer = resources.find(
    (r) => (r.medicationReference as { reference?: string } | undefined)?.reference === urn,
  );
  return referrer ? keyOfType(referrer.resourceType) : undefined;
}

/** A Bundle entry; transaction-style (urnFullUrls) Medications are named by their URN and carry no id. */
function entryOf(resource: FhirResource, urnFullUrls: boolean) {
  if (urnFullUrls && resource.resourceType === 'Medication') {
    const { id, ...withoutId } = resource;
    return { fullUrl: urnOf(String(id)), resource: withoutId as FhirResource };
  }
  return { fullUrl: `https://ehr.example/fhir/${resource.resourceType}/${resource.id}`, resource };
}

function prefetchOf(
  resources: FhirResource[],
  withOutcomeEntry: boolean,
  urnFullUrls = false,
): Record<string, unknown> {
  const prefetch: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(templates)) {
    if (template.startsWith('Patient/')) {
      prefetch[key] = resources.find((r) => r.resourceType === 'Patient') ?? null;
      continue;
    }
    const entries = resources
      .filter(
        (r) =>
          (r.resourceType !== 'Patient' && keyOfType(r.resourceType) === key) ||
          (r.resourceType === 'Medication' &&
            key === (urnFullUrls ? referrerKey(resources, r) : MEDICATION_KEY)),
      )
      .map((resource) => ({
        ...entryOf(resource, urnFullUrls),
        search: { mode: resource.resourceType === 'Medication' ? 'include' : 'match' },
      }));
    if (withOutcomeEntry)
      entries.push({
        fullUrl: 'urn:uuid:0d1c5ad4-3c43-4a44-9d57-4c1e7e0b6a01',
        resource: {
          resourceType: 'OperationOutcome',
          issue: [
            { severity: 'information', code: 'informational', diagnostics: 'Some results may be hidden' },
          ],
        } as unknown as FhirResource,
        search: { mode: 'outcome' },
      });
    prefetch[key] = { resourceType: 'Bundle', type: 'searchset', entry: entries };
  }
  return prefetch;
}

function request(hook: HookName, c: Case, path: Path, fhirBase: string, family?: Family) {
  const context: Record<string, unknown> = { userId: 'Practitioner/doc', patientId: PATIENT_ID };
  if (hook !== 'patient-view') {
    context.draftOrders = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: c.drafts.map((resource) => (family?.urnFullUrls ? entryOf(resource, true) : { resource })),
    };
    if (hook === 'order-select')
      context.selections = c.drafts
        .filter((d) => d.resourceType !== 'Medication')
        .map((d) => `${d.resourceType}/${d.id}`);
  }
  const body: Record<string, unknown> = {
    hook,
    hookInstance: `metamorphic-${Math.random().toString(36).slice(2)}`,
    context,
  };
  if (path === 'prefetch')
    body.prefetch = prefetchOf(
      c.resources,
      family?.name === 'prefetch-operation-outcome-entry',
      family?.urnFullUrls ?? false,
    );
  else {
    body.fhirServer = fhirBase;
    body.fhirAuthorization = {
      access_token: 'metamorphic-token',
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patient/*.read',
      subject: 'cds-service',
    };
  }
  return body;
}

let app: FastifyInstance;
let fhir: FhirStandIn;
let medicationReadWired = false;

async function cardsOf(s: Scenario, c: Case, path: Path, family?: Family): Promise<string[]> {
  if (path === 'fallback') fhir.setResources(c.resources);
  const res = await app.inject({
    method: 'POST',
    url: `/cds-services/${SERVICE[s.hook]}`,
    payload: request(s.hook, c, path, fhir.base, family),
  });
  const body = expectValidCdsResponse(res);
  return body.cards.map((card) => `${card.source.topic?.code}:${card.indicator}`).sort();
}

interface Tally {
  variants: number;
  prefetch: number;
  fallback: number;
  fallbackNote?: string;
  unavailable?: string;
  prefetchOnly?: boolean;
}
const tally = new Map<string, Tally>();

beforeAll(async () => {
  // A HAPI-like server: its CapabilityStatement declares Observation `combo-code`, which finds a lab sent as a
  // panel component (the fallback searches by `code` where a server does not declare it).
  fhir = await startFhirStandIn({
    pageSize: 200,
    vendor: { capabilityStatement: HAPI.behaviour.capabilityStatement! },
  });
  // A generous deadline and no load shedding: the suite checks what is read, not how fast (2 shared cores).
  app = await buildTestApp({ env: { FHIR_FETCH_DEADLINE_MS: '30000', LOAD_SHEDDING_ENABLED: 'false' } });
  // Does the fallback path read Medications the data only references (item 1, FHIR access layer)?
  fhir.setResources([
    { resourceType: 'Patient', id: PATIENT_ID },
    {
      resourceType: 'MedicationAdministration',
      id: 'probe',
      status: 'completed',
      subject: { reference: `Patient/${PATIENT_ID}` },
      medicationReference: { reference: 'Medication/probe-med' },
      effectiveDateTime: '2025-01-01',
    },
    { resourceType: 'Medication', id: 'probe-med', code: { text: 'probe' } },
  ]);
  fhir.seen.length = 0;
  await app.inject({
    method: 'POST',
    url: `/cds-services/${SERVICE['patient-view']}`,
    payload: request('patient-view', { resources: [], drafts: [] }, 'fallback', fhir.base),
  });
  medicationReadWired = fhir.seen.some(
    (s) => s.url.startsWith('/fhir/Medication?') || s.url.startsWith('/fhir/Medication/'),
  );
}, 60_000);

afterAll(async () => {
  const rows = [...tally.entries()].map(([name, t]) => {
    const fallback = t.unavailable
      ? 'n/a'
      : t.prefetchOnly
        ? 'n/a (a prefetch-only shape)'
        : t.fallbackNote
          ? `${t.fallback}/${t.variants} (gap: ${t.fallbackNote})`
          : `${t.fallback}/${t.variants}`;
    return `  ${name.padEnd(34)} prefetch ${t.unavailable ? 'n/a' : `${t.prefetch}/${t.variants}`}  fallback ${fallback}${t.unavailable ? `  — ${t.unavailable}` : ''}`;
  });
  console.log(
    `Metamorphic suite: shape family → variants passing (same cards as the canonical encoding)\n${rows.join('\n')}`,
  );
  await app?.close();
  await fhir?.close();
});

const SCENARIOS = scenarios();

describe('canonical encodings give the knowledge.md cards in both paths', () => {
  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const c = { resources: s.resources, drafts: s.drafts ?? [] };
      expect(await cardsOf(s, c, 'prefetch')).toEqual([...s.cards].sort());
      expect(await cardsOf(s, c, 'fallback')).toEqual([...s.cards].sort());
    });
  }
});

describe('every shape family gives the same cards', () => {
  for (const family of FAMILIES) {
    it(`${family.name}: ${family.why}`, async () => {
      const missingTemplates = (family.needsTemplates ?? []).filter((t) => !keyOfType(t));
      const t: Tally = { variants: 0, prefetch: 0, fallback: 0 };
      tally.set(family.name, t);
      if (missingTemplates.length > 0) {
        t.unavailable = `no prefetch template for ${missingTemplates.join(', ')} yet (FHIR access layer)`;
        return;
      }
      const fallbackAsserted =
        !family.prefetchOnly && !family.fallbackGap && (!family.needsMedicationRead || medicationReadWired);
      if (family.needsMedicationRead && !medicationReadWired)
        t.fallbackNote = 'fhirServer Medication reads not wired yet (FHIR access layer)';
      if (family.fallbackGap) t.fallbackNote = family.fallbackGap;
      if (family.prefetchOnly) t.prefetchOnly = true;
      const failures: string[] = [];
      for (const s of SCENARIOS) {
        const variant = family.rewrite({ resources: s.resources, drafts: s.drafts ?? [] });
        if (!variant) continue;
        t.variants++;
        const expected = [...s.cards].sort();
        const viaPrefetch = await cardsOf(s, variant, 'prefetch', family);
        if (JSON.stringify(viaPrefetch) === JSON.stringify(expected)) t.prefetch++;
        else failures.push(`${s.name} [prefetch]: ${viaPrefetch.join(', ') || 'no card'}`);
        if (family.prefetchOnly) continue;
        const viaFallback = await cardsOf(s, variant, 'fallback', family);
        if (JSON.stringify(viaFallback) === JSON.stringify(expected)) t.fallback++;
        else if (fallbackAsserted)
          failures.push(`${s.name} [fallback]: ${viaFallback.join(', ') || 'no card'}`);
      }
      expect(t.variants, 'the family applies to at least one scenario').toBeGreaterThan(0);
      expect(failures).toEqual([]);
    }, 120_000);
  }
});
