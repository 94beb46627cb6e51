import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds: an EHR waits on hook calls, so the interesting range is 5 ms – 10 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every metric the service exposes, in its own registry (one per app instance, never the global one, so tests
 * and several apps in one process do not share counters). Label values are bounded: service ids, prefetch keys
 * and catalogue ids come from the service definitions and card content, never from request text.
 */
export function createCdsMetrics() {
  const register = new Registry();
  collectDefaultMetrics({ register });

  return {
    register,
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [register],
    }),
    hookDuration: new Histogram({
      name: 'cds_hook_request_duration_seconds',
      help: 'Hook call latency per CDS service (validation, prefetch resolution, rules, cards), by outcome status',
      labelNames: ['service', 'status_code'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [register],
    }),
    hookFailures: new Counter({
      name: 'cds_hook_failures_total',
      help: 'Hook calls that ended in an error status before cards were produced, per service and status',
      labelNames: ['service', 'status_code'] as const,
      registers: [register],
    }),
    preconditionFailed: new Counter({
      name: 'cds_hook_precondition_failed_total',
      help: 'Hook calls answered 412 because required prefetch data could be neither read nor fetched',
      labelNames: ['service'] as const,
      registers: [register],
    }),
    cardsReturned: new Counter({
      name: 'cds_cards_returned_total',
      help: 'Cards returned, by service, catalogue id (card.source.topic.code) and indicator',
      labelNames: ['service', 'catalogue_id', 'indicator'] as const,
      registers: [register],
    }),
    prefetchKeys: new Counter({
      name: 'cds_prefetch_keys_total',
      help: 'Prefetch keys per hook call by where the data came from: prefetch, null (client had none) or fetched',
      labelNames: ['service', 'key', 'source'] as const,
      registers: [register],
    }),
    fhirFetchDuration: new Histogram({
      name: 'cds_fhir_fetch_duration_seconds',
      help: 'Latency of FHIR fetches made for missing prefetch keys, by key and outcome',
      labelNames: ['key', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [register],
    }),
    fhirFetchFailures: new Counter({
      name: 'cds_fhir_fetch_failures_total',
      help: 'FHIR fetches that failed, by key and reason',
      labelNames: ['key', 'reason'] as const,
      registers: [register],
    }),
    authFailures: new Counter({
      name: 'cds_auth_failures_total',
      help: 'Requests refused by authentication, by reason',
      labelNames: ['reason'] as const,
      registers: [register],
    }),
    feedbackItems: new Counter({
      name: 'cds_feedback_items_total',
      help: 'Feedback items received, by service and outcome (accepted / overridden)',
      labelNames: ['service', 'outcome'] as const,
      registers: [register],
    }),
    storeWrites: new Counter({
      name: 'cds_store_writes_total',
      help: 'Card-log and feedback store records written, by kind and outcome (ok / retrying / dropped)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [register],
    }),
    loadShed: new Counter({
      name: 'cds_load_shed_total',
      help: 'Requests answered 503 by load shedding, by the pressure that triggered it',
      labelNames: ['reason'] as const,
      registers: [register],
    }),
  };
}

export type CdsMetrics = ReturnType<typeof createCdsMetrics>;
