import { randomUUID } from 'node:crypto';
import { listenInProcess } from './listen-in-process.js';
import { generatePatient } from './patients.js';
import { hookRequest } from './requests.js';

/**
 * What a large request body costs the service (issue #16 item 6: the basis of the BODY_LIMIT_BYTES default).
 * Runs the app in this process over real HTTP with the default configuration (only the body limit raised to let
 * the largest body through), sends patient-view requests whose prefetch holds 10,000 / 20,000 / 30,000 resources
 * (the bench's huge patient, repeated with new ids) at concurrency 1 and 10, and reports the body size, the
 * status, the latency and the peak RSS / heap growth sampled every 5 ms.
 *
 *   npx tsx bench/body-size.ts
 */

const BODY_LIMIT = 50 * 1_048_576;
const SCALES = [1, 2, 3];
const CONCURRENCY = [1, 10];

function body(scale: number): string {
  const patient = generatePatient('huge');
  const resources = [...patient.resources];
  for (let copy = 1; copy < scale; copy++) {
    for (const r of patient.resources) resources.push({ ...r, id: `${r.id}-x${copy}` });
  }
  return JSON.stringify(
    hookRequest('patient-view', { ...patient, resources }, { hookInstance: randomUUID() }),
  );
}

async function main() {
  const { server, baseUrl } = await listenInProcess({
    PATIENT_HASH_SECRET: 'x'.repeat(64),
    FEEDBACK_STORE: 'memory',
    BODY_LIMIT_BYTES: String(BODY_LIMIT),
    // Memory is what is measured here; load shedding (on in production) would answer 503 on a busy machine.
    LOAD_SHEDDING_ENABLED: 'false',
  });
  const url = `${baseUrl}/cds-services/osteoporosis-patient-view`;

  console.log(
    '| resources | body MB | concurrency | statuses | wall ms | peak RSS growth MB | peak heap growth MB |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const scale of SCALES) {
    const payload = body(scale);
    for (const c of CONCURRENCY) {
      global.gc?.();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakHeap = before.heapUsed;
      const timer = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 5);
      const started = performance.now();
      const statuses = await Promise.all(
        Array.from({ length: c }, async () => {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: payload,
          });
          await res.arrayBuffer();
          return res.status;
        }),
      );
      const wall = performance.now() - started;
      clearInterval(timer);
      const mb = (n: number) => (n / 1_048_576).toFixed(1);
      console.log(
        `| ${scale * 10_000} | ${mb(Buffer.byteLength(payload))} | ${c} | ${[...new Set(statuses)].join(',')} | ${wall.toFixed(0)} | ${mb(peakRss - before.rss)} | ${mb(peakHeap - before.heapUsed)} |`,
      );
    }
  }
  await server.close();
}

await main();
