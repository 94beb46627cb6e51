import Fastify, { type FastifyInstance } from 'fastify';
import app from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { serverOptions } from '../src/server-options.js';
import { loadServiceDefinitions } from '../src/service/knowledge.js';
import type { Card } from '../src/protocol/types.js';
import { demoPatients, type DemoPatient } from '../fixtures/demo-patients.js';
import { hookRequest, hooksFor, serviceFor, transactionBundle } from '../fixtures/demo-requests.js';
import { startDemoFhirServer, type DemoFhirServer } from './fhir-server.js';
import type { HookResult } from './print-cards.js';

/**
 * The one-command demo, as a function (run.ts is its command line; the tests call it with port 0): an embedded
 * FHIR R4 server holding the demo patients, the service itself, and one call per demo patient and hook.
 */

export interface DemoOptions {
  now?: Date;
  host?: string;
  servicePort?: number;
  fhirPort?: number;
  /** Extra environment for the service (LOG_LEVEL, CDS_AUTH…); the demo's own settings win. */
  env?: Record<string, string | undefined>;
}

export interface RunningDemo {
  serviceUrl: string;
  fhir: DemoFhirServer;
  service: FastifyInstance;
  patients: DemoPatient[];
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const now = options.now ?? new Date();
  const host = options.host ?? '127.0.0.1';
  const patients = demoPatients(now);
  const fhir = await startDemoFhirServer({
    host,
    port: options.fhirPort ?? 0,
    bundles: patients.map(transactionBundle),
  });

  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ...options.env,
    HOST: host,
    PORT: String(options.servicePort ?? 0),
    // The embedded FHIR server is on loopback, which the outbound SSRF guard refuses unless allowed.
    FHIR_ALLOW_PRIVATE_NETWORK: 'true',
    PREVIEW_ENABLED: 'true',
  });
  const service = Fastify(serverOptions(config));
  await service.register(app, { config, clock: () => options.now ?? new Date() });
  try {
    await service.listen({ host: config.host, port: config.port });
  } catch (err) {
    await fhir.close();
    throw err;
  }
  const address = service.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    serviceUrl: `http://${host}:${port}`,
    fhir,
    service,
    patients,
    close: async () => {
      await service.close();
      await fhir.close();
    },
  };
}

/**
 * Calls every hook for every demo patient over real HTTP, without prefetch, the way an EHR that relies on
 * `fhirServer` would: the service must read each chart from the embedded FHIR server.
 */
export async function callAllHooks(demo: RunningDemo): Promise<HookResult[]> {
  const services = loadServiceDefinitions();
  const results: HookResult[] = [];
  for (const patient of demo.patients) {
    for (const hook of hooksFor(patient)) {
      const service = serviceFor(services, hook);
      if (!service) continue;
      const body = hookRequest(service, patient, { withPrefetch: false, fhirServer: demo.fhir.base });
      const response = await fetch(`${demo.serviceUrl}/cds-services/${service.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { cards?: Card[]; message?: string };
      results.push({
        patient,
        hook,
        serviceId: service.id,
        status: response.status,
        cards: json.cards ?? [],
        ...(response.ok ? {} : { problem: json.message ?? response.statusText }),
      });
    }
  }
  return results;
}

/** The URLs a developer needs next: the preview page and the CDS Hooks sandbox pointed at this demo. */
export function demoUrls(demo: RunningDemo, patientId = 'demo-rvfx') {
  const discovery = `${demo.serviceUrl}/cds-services`;
  // Unencoded values keep the URL readable; the sandbox parses the query string either way.
  const sandbox = `https://sandbox.cds-hooks.org/?serviceDiscoveryURL=${discovery}&fhirServiceUrl=${demo.fhir.base}&patientId=${patientId}`;
  return {
    discovery,
    preview: `${demo.serviceUrl}/preview`,
    fhir: demo.fhir.base,
    sandbox,
  };
}
