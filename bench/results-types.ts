import type { AdversarialResult } from './adversarial-report.js';
import type { LoadResult } from './load.js';
import type { BenchHook } from './requests.js';
import type { PatientSize } from './patients.js';

/** Everything one bench run measured: the input of the report and of the target checks. */

export interface ScenarioResult {
  size: PatientSize;
  resources: number;
  requestBytes: number;
  responseBytes: number;
  cards: number;
  hook: BenchHook;
  connections: number;
  service: LoadResult;
  baseline: LoadResult;
  rssBeforeBytes: number;
  rssAfterBytes: number;
}

export interface FallbackResult {
  size: PatientSize;
  queries: number;
  /** Median duration of each key's query measured directly against the FHIR stand-in. */
  slowestQueryP50: number;
  slowestQueryKey: string;
  /** Median time for all keys' queries issued at once from the bench (the floor for the service). */
  allQueriesInParallelP50: number;
  service: LoadResult;
  /** The FHIR stand-in's highest number of requests in flight at once (7 = all keys in parallel). */
  maxInFlight: number;
}

export interface MemorySample {
  seconds: number;
  rssBytes: number;
  heapUsedBytes?: number;
}

export interface SoakResult {
  rate: number;
  durationSeconds: number;
  service: LoadResult;
  samples: MemorySample[];
}

export interface StallResult {
  /** Max event-loop delay the service itself saw during the huge runs at c=1 (/metrics nodejs_eventloop_lag_max_seconds). */
  serviceMaxLagMs?: number;
  /** The same at c=10: ten huge requests queue behind each other, so this is about ten requests' work. */
  serviceMaxLagC10Ms?: number;
  /** In-process invokeHook (validate → prefetch → rules → cards) on the huge patient (production build), per call. */
  evaluateP50Ms: number;
  evaluateMaxMs: number;
  /** Max event-loop delay (perf_hooks) around those in-process calls. */
  inProcessMaxLagMs: number;
  /** The slowest single request the load generator saw on the huge patient. */
  httpMaxMs: number;
}

export interface BenchRun {
  startedAt: string;
  mode: 'full' | 'quick';
  commit: string;
  node: string;
  cores: number;
  cpuModel: string;
  loadAverageAtStart: number[];
  contentVersion: string;
  startupMs: number[];
  scenarios: ScenarioResult[];
  fallback?: FallbackResult;
  soak?: SoakResult;
  stall?: StallResult;
  /** Highest service RSS over the whole run (the huge patient at c=10 dominates it). */
  peakRssBytes: number;
  /** Highest service RSS while serving the small and typical patients and during the soak. */
  steadyPeakRssBytes: number;
  /** The adversarial section (issue 11): hostile inputs at the body limit. */
  adversarial?: AdversarialResult[];
  wallSeconds: number;
}
