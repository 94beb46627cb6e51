import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type {
  createInProcessService as CreateInProcessService,
  InProcessService,
} from '../src/service/in-process.js';
import type { loadProjectKnowledge as LoadKnowledge } from '../src/service/knowledge.js';
import type { loadConfig as LoadConfig } from '../src/config/index.js';
import { percentile } from './load.js';
import { SERVICE_PATH, type BenchHook } from './requests.js';

/**
 * The service of the production build (dist/), called in this process through `invokeHook` — the route's path
 * (validate → prefetch → rules → cards → check) without HTTP: what one request costs the service's event loop in
 * synchronous work. The service's own /metrics lag is the authoritative stall figure; this one needs no metrics
 * endpoint and separates the service's share from Fastify's.
 */

// BENCH_ENGINE_DIST (a dist/src/ folder URL or path) compares another build, e.g. a candidate fix.
const DIST = process.env.BENCH_ENGINE_DIST
  ? new URL(process.env.BENCH_ENGINE_DIST.replace(/\/?$/, '/'), 'file:///')
  : new URL('../dist/src/', import.meta.url);

export async function loadProductionService(env: Record<string, string>): Promise<InProcessService> {
  const load = async <T>(path: string) => (await import(new URL(path, DIST).href)) as T;
  const { loadConfig } = await load<{ loadConfig: typeof LoadConfig }>('config/index.js');
  const { createInProcessService } = await load<{ createInProcessService: typeof CreateInProcessService }>(
    'service/in-process.js',
  );
  const { loadProjectKnowledge } = await load<{ loadProjectKnowledge: typeof LoadKnowledge }>(
    'service/knowledge.js',
  );
  const config = loadConfig({ ...process.env, ...env });
  return createInProcessService(loadProjectKnowledge(), { fhir: config.fhir, clinical: config.clinical });
}

/** The service id a bench hook is sent to (the last segment of its path). */
export const serviceIdOf = (hook: BenchHook) => SERVICE_PATH[hook].split('/').pop()!;

export interface InProcessResult {
  /** One `invokeHook` call on the parsed request. */
  evaluateP50Ms: number;
  evaluateMaxMs: number;
  /** Parse request + invokeHook + serialise response: one request's synchronous share. */
  requestP50Ms: number;
  loopMaxLagMs: number;
}

export async function measureInProcess(
  service: InProcessService,
  hook: BenchHook,
  requestBody: string,
  iterations: number,
): Promise<InProcessResult> {
  const serviceId = serviceIdOf(hook);
  const body: unknown = JSON.parse(requestBody);
  for (let i = 0; i < 3; i++) await service.call(serviceId, body);
  const evaluate: number[] = [];
  const request: number[] = [];
  const monitor = monitorEventLoopDelay({ resolution: 1 });
  monitor.enable();
  for (let i = 0; i < iterations; i++) {
    let started = performance.now();
    await service.call(serviceId, body);
    evaluate.push(performance.now() - started);
    await yieldToLoop();
    started = performance.now();
    const { cards } = await service.call(serviceId, JSON.parse(requestBody));
    JSON.stringify({ cards });
    request.push(performance.now() - started);
    await yieldToLoop();
  }
  monitor.disable();
  const sortedEvaluate = Float64Array.from(evaluate).sort();
  return {
    evaluateP50Ms: percentile(sortedEvaluate, 50),
    evaluateMaxMs: sortedEvaluate[sortedEvaluate.length - 1]!,
    requestP50Ms: percentile(Float64Array.from(request).sort(), 50),
    loopMaxLagMs: monitor.max / 1e6,
  };
}
