import { runLoad } from './load.js';
import type { RunningProcess } from './processes.js';
import type { MemorySample, SoakResult } from './results-types.js';
import { scrapeMetrics } from './service-metrics.js';

/**
 * Fixed-rate soak: a steady 500 req/s for a minute, sampling the service's RSS every second and its heap (from
 * /metrics) every two seconds, to show whether memory settles or keeps growing (a leak per request would show as a
 * steady slope, not as noise).
 */
export async function soak(
  service: RunningProcess,
  url: string,
  body: string,
  rate: number,
  durationSeconds: number,
): Promise<SoakResult> {
  const samples: MemorySample[] = [];
  const pending: Promise<void>[] = [];
  const sample = (seconds: number, withHeap: boolean) => {
    const rssBytes = service.rssBytes();
    if (!withHeap) {
      samples.push({ seconds, rssBytes });
      return;
    }
    pending.push(
      scrapeMetrics(service.baseUrl).then((m) => {
        samples.push({
          seconds,
          rssBytes,
          ...(m.heapUsedBytes !== undefined ? { heapUsedBytes: m.heapUsedBytes } : {}),
        });
      }),
    );
  };
  sample(0, true);
  await Promise.all(pending);
  const result = await runLoad({
    url,
    body,
    connections: 10,
    durationSeconds,
    overallRate: rate,
    onTick: (seconds) => sample(Math.round(seconds), Math.round(seconds) % 2 === 0),
  });
  sample(durationSeconds, true);
  await Promise.all(pending);
  samples.sort((a, b) => a.seconds - b.seconds);
  return { rate, durationSeconds, service: result, samples };
}
