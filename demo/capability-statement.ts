/**
 * The demo FHIR server's CapabilityStatement. The CDS Hooks sandbox reads `/metadata` before anything else and
 * takes `fhirVersion` to decide which resource shapes to send (4.0.1: R4 MedicationRequest drafts).
 */

const RESOURCE_TYPES = [
  'Patient',
  'Condition',
  'MedicationAdministration',
  'MedicationStatement',
  'MedicationRequest',
  'Medication',
  'Observation',
  'Procedure',
  'ServiceRequest',
];

export function capabilityStatement(base: string) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2025-01-01',
    kind: 'instance',
    software: { name: 'dmab-cds demo FHIR server (Medplum in-memory repository)' },
    implementation: { description: 'Synthetic demo patients only', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'search-system' }],
        resource: RESOURCE_TYPES.map((type) => ({
          type,
          interaction: ['read', 'search-type', 'create', 'update', 'delete'].map((code) => ({ code })),
          searchParam: [
            { name: 'patient', type: 'reference' },
            { name: 'subject', type: 'reference' },
            { name: 'code', type: 'token' },
            { name: '_id', type: 'token' },
          ].filter((p) => type !== 'Patient' || p.name === '_id'),
        })),
      },
    ],
  };
}
