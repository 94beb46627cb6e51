import { request } from 'undici';
import { startFhirStandIn } from '../test/support/fhir-stand-in.js';
import { percentile, runLoad } from './load.js';
import type { SyntheticPatient } from './patients.js';
import { hookRequest, PER_REQUEST_ID, SERVICE_PATH } from './requests.js';
import type { FallbackResult } from './results-types.js';

/**
 * The prefetch fallback: the EHR sends no prefetch, the service fetches every key from a real HTTP FHIR server
 * (the test stand-in) that waits 20 ms before each answer. The keys are fetched in parallel, so the end-to-end
 * latency should be the slowest single query plus the service's own work. Each query's own duration is
 * measured directly against the stand-in, from this process, with the same URLs the service builds.
 */

const LATENCY_MS = 20;

export async function benchFallback(
  serviceUrl: string,
  patient: SyntheticPatient,
  templates: Record<string, string>,
  durationSeconds: number,
  log: (message: string) => void = () => undefined,
): Promise<FallbackResult> {
  const standIn = await startFhirStandIn({
    resources: [patient.patient, ...patient.resources],
    latencyMs: LATENCY_MS,
    // One page per query, so "the slowest single query" is one HTTP exchange.
    pageSize: 100_000,
  });
  try {
    const queries = Object.entries(templates).map(([key, template]) => ({
      key,
      url: `${standIn.base}/${template.replaceAll('{{context.patientId}}', encodeURIComponent(patient.patientId))}`,
    }));
    let slowest = { key: '', p50: 0 };
    for (const q of queries) {
      const durations: number[] = [];
      for (let i = 0; i < 15; i++) {
        const started = performance.now();
        // undici.request, as the service's FHIR client uses, over a kept-alive connection.
        const res = await request(q.url, { headers: { accept: 'application/fhir+json' } });
        JSON.parse(await res.body.text());
        durations.push(performance.now() - started);
      }
      const p50 = percentile(Float64Array.from(durations).sort(), 50);
      if (p50 > slowest.p50) slowest = { key: q.key, p50 };
    }

    // All keys at once, as the service fetches them: the stand-in answers them one after the other, so this
    // (not the slowest query alone) is the floor the service can reach.
    const parallel: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      await Promise.all(
        queries.map(async (q) => {
          const res = await request(q.url, { headers: { accept: 'application/fhir+json' } });
          JSON.parse(await res.body.text());
        }),
      );
      parallel.push(performance.now() - started);
    }
    const parallelP50 = percentile(Float64Array.from(parallel).sort(), 50);
    log(`fallback: slowest query ${slowest.key} p50 ${slowest.p50.toFixed(1)} ms`);
    const body = JSON.stringify(
      hookRequest('order-select', patient, { fhirServer: standIn.base, hookInstance: PER_REQUEST_ID }),
    );
    const url = serviceUrl + SERVICE_PATH['order-select'];
    const check = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (check.status !== 200) {
      throw new Error(`fallback request failed: HTTP ${check.status} ${(await check.text()).slice(0, 300)}`);
    }
    await check.arrayBuffer();
    standIn.resetInFlight();
    const service = await runLoad({ url, body, connections: 1, durationSeconds });
    log(`fallback: p50 ${service.p50.toFixed(1)} ms over ${service.requests} requests`);
    return {
      size: patient.size,
      queries: queries.length,
      slowestQueryP50: slowest.p50,
      slowestQueryKey: slowest.key,
      allQueriesInParallelP50: parallelP50,
      service,
      maxInFlight: standIn.maxInFlight(),
    };
  } finally {
    // The service keeps its connections to the stand-in alive; without this, close() waits out their
    // keep-alive timeout (72 s).
    standIn.server.server.closeAllConnections();
    await standIn.close();
  }
}
