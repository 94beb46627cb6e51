import { formatAdversarial } from './adversarial-report.js';
import type { LoadResult } from './load.js';
import type { BenchRun } from './results-types.js';
import { checkTargets, memoryTrend } from './targets.js';

/**
 * The bench's Markdown report. The layout is fixed (same sections, same columns, same units) so that two runs
 * can be compared line by line; new measurements go in new sections at the end, never between columns.
 */

const MB = 1_048_576;
const f = (n: number | undefined, digits = 1) =>
  n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';

/** "0", or the count with the HTTP statuses behind it, e.g. "50 (503×50)". */
function errors(result: LoadResult): string {
  const statuses = Object.entries(result.errorStatuses ?? {}).map(([code, n]) => `${code}×${n}`);
  return statuses.length ? `${result.errors} (${statuses.join(', ')})` : String(result.errors);
}

/**
 * Opens a section: a blank line, the heading, an optional note, then the table's header row and a separator with
 * one cell per column. `columns` is the header row's cells joined by " | ".
 */
function section(out: string[], heading: string, columns: string, note?: string): void {
  out.push('', `## ${heading}`, '');
  if (note !== undefined) out.push(note, '');
  out.push(`| ${columns} |`);
  out.push('|' + ' --- |'.repeat(columns.split(' | ').length));
}

export function formatReport(run: BenchRun): string {
  const out: string[] = [];
  out.push(`# Benchmark results (${run.mode})`);
  out.push('');
  out.push(
    `${run.startedAt} · commit ${run.commit} · Node ${run.node} · ${run.cores} cores (${run.cpuModel}) · ` +
      `load average at start ${run.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')} · ` +
      `rule content ${run.contentVersion} · wall time ${f(run.wallSeconds, 0)} s`,
  );
  section(
    out,
    'Throughput and latency (full prefetch, loopback, autocannon)',
    'size | resources | request KiB | response KiB | cards | hook | c | req/s | p50 ms | p90 ms | p99 ms | ' +
      'base req/s | base p50 ms | base p99 ms | p50 × base | req/s % base | RSS before MB | RSS after MB | errors',
    'Baseline = the same Fastify version answering the same request with the captured response as a static ' +
      'string. Ratios: p50 × baseline (lower is better), req/s % of baseline (higher is better).',
  );
  for (const s of run.scenarios) {
    out.push(
      `| ${s.size} | ${s.resources} | ${f(s.requestBytes / 1024, 0)} | ${f(s.responseBytes / 1024, 1)} | ${s.cards} | ` +
        `${s.hook} | ${s.connections} | ${f(s.service.requestsPerSecond, 0)} | ${f(s.service.p50, 2)} | ` +
        `${f(s.service.p90, 2)} | ${f(s.service.p99, 2)} | ${f(s.baseline.requestsPerSecond, 0)} | ` +
        `${f(s.baseline.p50, 2)} | ${f(s.baseline.p99, 2)} | ${f(s.service.p50 / s.baseline.p50, 2)} | ` +
        `${f((100 * s.service.requestsPerSecond) / s.baseline.requestsPerSecond, 0)} | ` +
        `${f(s.rssBeforeBytes / MB)} | ${f(s.rssAfterBytes / MB)} | ${errors(s.service)} |`,
    );
  }
  section(out, 'Start-up (spawn → GET /readyz 200)', 'runs | ms');
  out.push(`| ${run.startupMs.length} | ${run.startupMs.map((ms) => f(ms, 0)).join(', ')} |`);
  section(
    out,
    'Fallback (no prefetch; FHIR stand-in with 20 ms latency per query; c=1)',
    'size | queries | slowest query | slowest query p50 ms | all queries in parallel p50 ms | max in flight | ' +
      'p50 ms | p90 ms | p99 ms | p50 − slowest ms | errors',
  );
  const fb = run.fallback;
  if (fb) {
    out.push(
      `| ${fb.size} | ${fb.queries} | ${fb.slowestQueryKey} | ${f(fb.slowestQueryP50, 1)} | ` +
        `${f(fb.allQueriesInParallelP50, 1)} | ${fb.maxInFlight} | ` +
        `${f(fb.service.p50, 1)} | ${f(fb.service.p90, 1)} | ${f(fb.service.p99, 1)} | ` +
        `${f(fb.service.p50 - fb.slowestQueryP50, 1)} | ${errors(fb.service)} |`,
    );
  }
  section(
    out,
    'Soak (typical patient, order-select, fixed rate)',
    'rate req/s | achieved req/s | seconds | requests | errors | p50 ms | p99 ms | max ms | RSS start MB | ' +
      'RSS end MB | RSS MB/min | heap floor start MB | heap floor end MB',
  );
  const soak = run.soak;
  if (soak) {
    const first = soak.samples[0];
    const last = soak.samples.at(-1);
    const trend = memoryTrend(soak.samples, (s) => s.rssBytes);
    const heap = memoryTrend(soak.samples, (s) => s.heapUsedBytes, 'floor');
    out.push(
      `| ${soak.rate} | ${f(soak.service.requestsPerSecond, 0)} | ${soak.durationSeconds} | ${soak.service.requests} | ${errors(soak.service)} | ` +
        `${f(soak.service.p50, 2)} | ${f(soak.service.p99, 2)} | ${f(soak.service.max, 1)} | ` +
        `${f((first?.rssBytes ?? NaN) / MB)} | ${f((last?.rssBytes ?? NaN) / MB)} | ${f((trend?.slopePerMinute ?? NaN) / MB, 2)} | ` +
        `${f((heap?.first ?? NaN) / MB)} | ${f((heap?.last ?? NaN) / MB)} |`,
    );
    out.push('');
    out.push(
      'Memory samples (s: RSS MB / heap MB): ' +
        soak.samples
          .filter((s) => s.heapUsedBytes !== undefined)
          .filter((_, i, all) => i % 3 === 0 || i === all.length - 1)
          .map(
            (s) => `${s.seconds.toFixed(0)}: ${f(s.rssBytes / MB, 0)}/${f((s.heapUsedBytes ?? NaN) / MB, 0)}`,
          )
          .join(' · '),
    );
  }
  section(
    out,
    'Event loop (huge patient)',
    'service loop max lag ms (c=1) | service loop max lag ms (c=10) | HTTP max ms | in-process invokeHook p50 ms | ' +
      'in-process invokeHook max ms | in-process loop max lag ms',
  );
  const st = run.stall;
  if (st) {
    out.push(
      `| ${f(st.serviceMaxLagMs, 0)} | ${f(st.serviceMaxLagC10Ms, 0)} | ${f(st.httpMaxMs, 1)} | ${f(st.evaluateP50Ms, 2)} | ${f(st.evaluateMaxMs, 2)} | ${f(st.inProcessMaxLagMs, 0)} |`,
    );
  }
  section(out, 'Targets', 'target | measured | result');
  for (const c of checkTargets(run)) {
    out.push(
      `| ${c.target} | ${c.measured} | ${c.met === undefined ? 'not measured' : c.met ? 'met' : '**not met**'} |`,
    );
  }
  if (run.adversarial) {
    out.push('', '## Adversarial inputs (issue 11)', '');
    out.push(
      'Each hostile input grown to the body limit, sent to the service in the bench process (production ' +
        'configuration) while a worker thread polls /healthz every 10 ms; worst of the runs ' +
        '(`npm run bench:adversarial`).',
      '',
      formatAdversarial(run.adversarial),
    );
  }
  out.push('');
  return out.join('\n');
}
