/**
 * Reads the service's own view of itself from GET /metrics (Prometheus text): heap in use and the event-loop
 * delay maximum, which prom-client resets at every scrape (so a scrape before a phase starts a fresh window).
 * Returns undefined values when metrics are disabled or the names change, never throws.
 */
export interface ServiceMetrics {
  eventLoopLagMaxMs?: number;
  heapUsedBytes?: number;
}

export async function scrapeMetrics(baseUrl: string): Promise<ServiceMetrics> {
  try {
    const res = await fetch(`${baseUrl}/metrics`);
    const text = await res.text();
    if (res.status !== 200) return {};
    const value = (name: string) => {
      const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)`, 'm').exec(text);
      return match ? Number(match[1]) : undefined;
    };
    const lag = value('nodejs_eventloop_lag_max_seconds');
    const heap = value('nodejs_heap_size_used_bytes');
    return {
      ...(lag !== undefined ? { eventLoopLagMaxMs: lag * 1000 } : {}),
      ...(heap !== undefined ? { heapUsedBytes: heap } : {}),
    };
  } catch {
    return {};
  }
}
