import autocannon from 'autocannon';

/**
 * One autocannon run over loopback. Latencies are collected from autocannon's per-response event with
 * sub-millisecond precision: its own histogram has a 1 ms floor, which would round a 0.4 ms baseline to 0 and
 * make every ratio meaningless.
 */

const PER_REQUEST_ID_MAX_BYTES = 2 * 1_048_576;

export interface LoadOptions {
  url: string;
  body: string;
  connections: number;
  durationSeconds: number;
  /** Fixed overall request rate (soak); unset = as fast as the server answers. */
  overallRate?: number;
  /** Called about once a second while the run is going (soak memory sampling). */
  onTick?: (elapsedSeconds: number) => void;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  non2xx: number;
  /** Count per non-2xx HTTP status (e.g. 503 from load shedding). */
  errorStatuses: Record<string, number>;
  responseBytes: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let responseBytes = 0;
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (err: unknown) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: options.body,
      connections: options.connections,
      duration: options.durationSeconds,
      timeout: 10,
      // Every request gets its own hookInstance, as from a real EHR (see PER_REQUEST_ID in requests.ts), except
      // for multi-megabyte bodies: autocannon rebuilds the whole request to insert the id (~12 ms for the huge
      // patient), which would steal CPU from the server on a 2-core machine. Those repeat one id.
      idReplacement: Buffer.byteLength(options.body) < PER_REQUEST_ID_MAX_BYTES,
      ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    },
    (err, result) => (err ? fail(err) : finish(result)),
  );
  instance.on('response', (_client: unknown, statusCode: number, bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    responseBytes = bytes;
  });
  const started = Date.now();
  const ticker = options.onTick
    ? setInterval(() => options.onTick!((Date.now() - started) / 1000), 1000)
    : undefined;
  try {
    const result = await done;
    const sorted = Float64Array.from(latencies).sort();
    return {
      requests: result.requests.total,
      requestsPerSecond: result.requests.total / result.duration,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : NaN,
      errors: result.errors + result.timeouts + result.non2xx,
      non2xx: result.non2xx,
      errorStatuses: Object.fromEntries(
        Object.entries(result.statusCodeStats ?? {})
          .filter(([code]) => !code.startsWith('2'))
          .map(([code, stat]) => [code, (stat as { count: number }).count]),
      ),
      responseBytes,
    };
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

/** A few sequential requests before measuring, so the JIT has seen the path (not part of the numbers). */
export async function warmUp(url: string, body: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
  }
}
