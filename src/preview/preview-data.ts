import type { HookName } from '../protocol/types.js';
import type { ServiceDefinition } from '../protocol/service-definitions.js';
import { chartLine, type ChartLine } from './chart-summary.js';
import { demoPatients, type ExpectedCard } from './demo-patients.js';
import { hookRequest, hooksFor, serviceFor } from './demo-requests.js';

/** What `GET /preview/patients` returns: each demo patient with its chart summary and a ready request per hook. */
export interface PreviewPatient {
  id: string;
  name: string;
  story: string;
  expected: ExpectedCard[];
  chart: ChartLine[];
  draftOrder?: ChartLine;
  requests: Partial<Record<HookName, { serviceId: string; body: ReturnType<typeof hookRequest> }>>;
}

export function previewPatients(services: ServiceDefinition[], now: Date): PreviewPatient[] {
  return demoPatients(now).map((patient) => {
    const requests: PreviewPatient['requests'] = {};
    for (const hook of hooksFor(patient)) {
      const service = serviceFor(services, hook);
      // Full prefetch: the page works with no FHIR server at all.
      if (service)
        requests[hook] = {
          serviceId: service.id,
          body: hookRequest(service, patient, { withPrefetch: true }),
        };
    }
    return {
      id: patient.id,
      name: patient.name,
      story: patient.story,
      expected: patient.expected,
      chart: patient.resources.map(chartLine),
      ...(patient.draftOrder ? { draftOrder: chartLine(patient.draftOrder) } : {}),
      requests,
    };
  });
}
