import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { EngineInput } from '../src/clinical/evaluator.js';
import type { CdsEngine } from '../src/service/engine.js';
import type { loadProjectKnowledge as LoadKnowledge } from '../src/service/knowledge.js';
import type { loadConfig as LoadConfig } from '../src/config/index.js';
import { percentile } from './load.js';
import type { SyntheticPatient } from './patients.js';
import { draftOrders, type BenchHook } from './requests.js';

/**
 * The clinical engine of the production build (dist/), called in this process: what one request costs the
 * service's event loop in synchronous work (parse the body, evaluate, serialise the cards), without HTTP.
 * The service's own /metrics lag is the authoritative stall figure; this one needs no metrics endpoint and
 * separates the engine's share.
 */

// BENCH_ENGINE_DIST (a dist/src/ folder URL or path) compares another build's engine, e.g. a candidate fix.
const DIST = process.env.BENCH_ENGINE_DIST
  ? new URL(process.env.BENCH_ENGINE_DIST.replace(/\/?$/, '/'), 'file:///')
  : new URL('../dist/src/', import.meta.url);

export async function loadProductionEngine(env: Record<string, string>): Promise<CdsEngine> {
  const { loadConfig } = (await import(new URL('config/index.js', DIST).href)) as {
    loadConfig: typeof LoadConfig;
  };
  const { createEngine } = (await import(new URL('service/engine.js', DIST).href)) as {
    createEngine: (knowledge: unknown, options: unknown) => CdsEngine;
  };
  const { loadProjectKnowledge } = (await import(new URL('service/knowledge.js', DIST).href)) as {
    loadProjectKnowledge: typeof LoadKnowledge;
  };
  return createEngine(loadProjectKnowledge(), loadConfig({ ...process.env, ...env }).clinical);
}

export function engineInput(patient: SyntheticPatient, hook: BenchHook): EngineInput {
  const drafts = hook === 'order-select' ? draftOrders(patient.patientId) : [];
  return {
    serviceId: hook === 'order-select' ? 'osteoporosis-order-select' : 'osteoporosis-patient-view',
    hook,
    patientId: patient.patientId,
    resources: [patient.patient, ...patient.resources],
    draftOrders: drafts,
    ...(hook === 'order-select' ? { selections: drafts.map((d) => `${d.resourceType}/${d.id}`) } : {}),
    now: new Date(),
  };
}

export interface InProcessResult {
  evaluateP50Ms: number;
  evaluateMaxMs: number;
  /** Parse request + evaluate + serialise response: one request's synchronous share. */
  requestP50Ms: number;
  loopMaxLagMs: number;
}

export async function measureInProcess(
  engine: CdsEngine,
  patient: SyntheticPatient,
  hook: BenchHook,
  requestBody: string,
  iterations: number,
): Promise<InProcessResult> {
  const input = engineInput(patient, hook);
  for (let i = 0; i < 3; i++) engine.evaluate(input);
  const evaluate: number[] = [];
  const request: number[] = [];
  const monitor = monitorEventLoopDelay({ resolution: 1 });
  monitor.enable();
  for (let i = 0; i < iterations; i++) {
    let started = performance.now();
    engine.evaluate({ ...input, now: new Date() });
    evaluate.push(performance.now() - started);
    await yieldToLoop();
    started = performance.now();
    JSON.parse(requestBody);
    const cards = engine.evaluate({ ...input, now: new Date() });
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
