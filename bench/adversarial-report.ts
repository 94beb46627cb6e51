/** One hostile input of the adversarial section (bench/adversarial.ts), at its worst over the runs. */
export interface AdversarialResult {
  name: string;
  /** What an unbounded service did with it (issue 11). */
  threat: string;
  requestBytes: number;
  status: number;
  cards?: number;
  responseBytes: number;
  worstRequestMs: number;
  /** The worst /healthz latency a concurrent poller saw (what a load balancer sees). */
  worstHealthzMs: number;
  /** perf_hooks monitorEventLoopDelay maximum while the request ran. */
  maxEventLoopDelayMs: number;
}

/** The Markdown table of the section (docs/performance.md quotes it). */
export function formatAdversarial(results: AdversarialResult[]): string {
  return [
    '| input | body KiB | status | cards | response KB | worst request ms | worst /healthz ms | max event-loop delay ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${(r.requestBytes / 1024).toFixed(0)} | ${r.status} | ${r.cards ?? '—'} | ${(r.responseBytes / 1024).toFixed(1)} | ` +
        `${r.worstRequestMs.toFixed(0)} | ${r.worstHealthzMs.toFixed(0)} | ${r.maxEventLoopDelayMs.toFixed(0)} |`,
    ),
  ].join('\n');
}
