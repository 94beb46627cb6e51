import type { FhirResource } from '../../src/protocol/types.js';
import type { VendorBehaviour } from '../support/fhir-stand-in.js';

/**
 * FHIR servers as the EHRs expose them, for the fallback fixtures (test/ehr/fallback-*.test.ts): base path,
 * CapabilityStatement, the resource types and search parameters they do not support, and their `next` links. Each
 * profile cites the public documentation it follows; what the documentation does not say is left out (then the
 * profile behaves like a plain R4 server) rather than guessed.
 */

type TypeList = Record<string, readonly string[] | undefined>;

/** A CapabilityStatement (Conformance on DSTU2) listing `types` with their search parameters. */
export function capabilityStatement(fhirVersion: string, types: TypeList): FhirResource {
  return {
    resourceType: fhirVersion.startsWith('1.0') ? 'Conformance' : 'CapabilityStatement',
    status: 'active',
    kind: 'instance',
    fhirVersion,
    format: ['json'],
    rest: [
      {
        mode: 'server',
        resource: Object.entries(types).map(([type, params]) => ({
          type,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          ...(params ? { searchParam: params.map((name) => ({ name, type: 'token' })) } : {}),
        })),
      },
    ],
  };
}

export interface VendorProfile {
  name: string;
  /** The public pages this profile follows. */
  sources: string[];
  behaviour: VendorBehaviour;
}

/**
 * Oracle Health (Cerner Millennium) R4. No MedicationStatement in the R4 API (the resource list at
 * https://fhir.cerner.com/millennium/r4/ has MedicationAdministration and MedicationRequest, no MedicationStatement;
 * also /work/shared/cds-hooks/ehr-notes.md). Observation search takes `patient`/`subject`, `code`, `date`,
 * `_lastUpdated`, `category`, `_count` — no `_sort`
 * (https://fhir.cerner.com/millennium/r4/clinical/diagnostics/observation/). Paging links carry
 * `-pageContext=…&-pageDirection=NEXT` on the searched type (the Bundle examples of the cerner/fhir.cerner.com
 * repository, e.g. `…/r4/ec2458f2-…/DiagnosticReport?patient=…&-pageContext=…&-pageDirection=NEXT`). Its error
 * answer for a type it does not have is an OperationOutcome; 404 is assumed here. Its ChargeItem API serves billing
 * (search by account, not by patient) and is left out of the statement, like MedicationDispense.
 */
export const ORACLE_HEALTH: VendorProfile = {
  name: 'Oracle Health (Cerner Millennium R4)',
  sources: [
    'https://fhir.cerner.com/millennium/r4/',
    'https://fhir.cerner.com/millennium/r4/clinical/diagnostics/observation/',
    'https://fhir.cerner.com/millennium/r4/clinical/medications/medication-administration/',
  ],
  behaviour: {
    basePath: '/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d',
    capabilityStatement: capabilityStatement('4.0.1', {
      Patient: ['_id', 'identifier', 'name', 'birthdate'],
      MedicationAdministration: ['patient', 'status', 'effective-time', '_count'],
      MedicationRequest: ['patient', 'status', 'intent', '_lastUpdated', '_count'],
      Condition: ['patient', 'subject', 'clinical-status', 'category', '_count'],
      Procedure: ['patient', 'subject', 'date', '_count'],
      Observation: ['patient', 'subject', 'code', 'date', '_lastUpdated', 'category', '_count'],
    }),
    unsupportedTypes: ['MedicationStatement', 'MedicationDispense', 'ChargeItem'],
    unsupportedTypeStatus: 404,
    refusedParams: ['_sort'],
    paging: 'cerner',
  },
};

/**
 * Epic (R4). Resource searches documented per resource on https://fhir.epic.com/Specifications (Observation:
 * https://open.epic.com/Clinical/Observation — `patient` with `code` or `category`, `date`); an unsupported
 * parameter is refused. Paging links are `{base}/Type?sessionID=…` (seen in Epic sandbox captures). Its statement
 * is modelled without per-type search parameters, so the service must learn from the answers; ChargeItem is not an
 * Epic R4 resource.
 */
export const EPIC: VendorProfile = {
  name: 'Epic (R4)',
  sources: ['https://fhir.epic.com/Specifications', 'https://open.epic.com/Clinical/Observation'],
  behaviour: {
    basePath: '/interconnect-fhir-oauth/api/FHIR/R4',
    capabilityStatement: capabilityStatement('4.0.1', {
      Patient: undefined,
      Medication: undefined,
      MedicationAdministration: undefined,
      MedicationStatement: undefined,
      MedicationRequest: undefined,
      MedicationDispense: undefined,
      Condition: undefined,
      Procedure: undefined,
      Observation: undefined,
    }),
    unsupportedTypes: ['ChargeItem'],
    refusedParams: ['_sort'],
    paging: 'epic',
  },
};

/**
 * The CDS Hooks sandbox's default FHIR server, DSTU2 (`https://launch.smarthealthit.org/v/r2/fhir`, fhirVersion
 * 1.0.2; the sandbox source cds-hooks/sandbox; ehr-notes.md: "DSTU2: no MedicationRequest"). DSTU2 has
 * MedicationOrder where R4 has MedicationRequest, and no ChargeItem. A HAPI server underneath (HAPI paging).
 */
export const SANDBOX_DSTU2: VendorProfile = {
  name: 'CDS Hooks sandbox, DSTU2 server',
  sources: [
    'https://launch.smarthealthit.org/v/r2/fhir/metadata',
    'https://github.com/cds-hooks/sandbox',
    'https://hl7.org/fhir/DSTU2/medicationorder.html',
  ],
  behaviour: {
    basePath: '/v/r2/fhir',
    capabilityStatement: capabilityStatement('1.0.2', {
      Patient: ['_id', 'name'],
      Medication: ['_id', 'code'],
      MedicationAdministration: ['patient', 'medication', 'effectivetime', '_id'],
      MedicationStatement: ['patient', 'medication', 'effectivedate', '_id'],
      MedicationOrder: ['patient', 'medication', 'datewritten', '_id'],
      MedicationDispense: ['patient', 'medication', '_id'],
      Condition: ['patient', 'code', 'onset', '_id'],
      Procedure: ['patient', 'code', 'date', '_id'],
      Observation: ['patient', 'subject', 'code', 'date', '_id'],
    }),
    unsupportedTypes: ['MedicationRequest', 'ChargeItem'],
    unsupportedTypeStatus: 404,
    paging: 'hapi',
  },
};

/** HAPI FHIR (R4): every type, `_sort` supported, `next` = `{base}?_getpages=…` (paging.html; hapi-fhir#2509). */
export const HAPI: VendorProfile = {
  name: 'HAPI FHIR (R4)',
  sources: [
    'https://hapifhir.io/hapi-fhir/docs/server_plain/paging.html',
    'https://github.com/hapifhir/hapi-fhir/issues/2509',
  ],
  behaviour: {
    basePath: '/baseR4',
    capabilityStatement: capabilityStatement('4.0.1', {
      Patient: ['_id', 'name', '_sort'],
      Medication: ['_id', 'code'],
      MedicationAdministration: ['patient', 'subject', 'code', '_id', '_sort'],
      MedicationStatement: ['patient', 'subject', 'code', '_id', '_sort'],
      MedicationRequest: ['patient', 'subject', 'code', '_id', '_sort'],
      MedicationDispense: ['patient', 'subject', 'code', '_id', '_sort'],
      Condition: ['patient', 'subject', 'code', '_id', '_sort'],
      Procedure: ['patient', 'subject', 'code', '_id', '_sort'],
      ChargeItem: ['patient', 'subject', 'code', '_id', '_sort'],
      // HAPI supports every R4 Observation search parameter, `combo-code` included.
      Observation: ['patient', 'subject', 'code', 'combo-code', 'date', '_id', '_sort'],
    }),
    paging: 'hapi',
  },
};

/**
 * The CDS Hooks sandbox's R4 server (`https://launch.smarthealthit.org/v/r4/fhir`): a HAPI R4 server, so HAPI's
 * statement and paging.
 */
export const SANDBOX_R4: VendorProfile = {
  name: 'CDS Hooks sandbox, R4 server',
  sources: ['https://launch.smarthealthit.org/v/r4/fhir/metadata', 'https://github.com/cds-hooks/sandbox'],
  behaviour: { ...HAPI.behaviour, basePath: '/v/r4/fhir' },
};

/** Medplum (R4): base `/fhir/R4`, offset paging `{base}/Type?…&_offset=N` (medplum.com/docs/search/paginated-search). */
export const MEDPLUM: VendorProfile = {
  name: 'Medplum (R4)',
  sources: ['https://www.medplum.com/docs/search/paginated-search', 'https://www.medplum.com/docs/api/fhir'],
  behaviour: {
    basePath: '/fhir/R4',
    capabilityStatement: capabilityStatement('4.0.1', {
      Patient: undefined,
      Medication: undefined,
      MedicationAdministration: undefined,
      MedicationStatement: undefined,
      MedicationRequest: undefined,
      MedicationDispense: undefined,
      Condition: undefined,
      Procedure: undefined,
      ChargeItem: undefined,
      Observation: undefined,
    }),
    paging: 'offset',
  },
};
