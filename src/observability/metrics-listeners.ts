import type { CdsEvents } from './events.js';
import type { CdsMetrics } from './metrics.js';

/** Label values are cut short so a surprising value can never make a huge series name. */
const label = (value: string | undefined, fallback = 'unknown') => (value ? value.slice(0, 64) : fallback);

/**
 * Turn the protocol layer's events into metric updates. Listeners only increment in-memory counters: they run
 * on the request path and must stay cheap.
 */
export function recordCdsEvents(events: CdsEvents, metrics: CdsMetrics): void {
  events.on('hook.completed', (e) => {
    const service = label(e.serviceId);
    metrics.hookDuration.observe({ service, status_code: String(e.statusCode) }, e.durationMs / 1000);
    for (const card of e.cards) {
      metrics.cardsReturned.inc({
        service,
        catalogue_id: label(card.source.topic?.code, 'none'),
        indicator: label(card.indicator),
      });
    }
    for (const [key, source] of Object.entries(e.prefetchSources)) {
      metrics.prefetchKeys.inc({ service, key: label(key), source });
    }
  });

  events.on('hook.failed', (e) => {
    const service = label(e.serviceId);
    const status = String(e.statusCode);
    metrics.hookDuration.observe({ service, status_code: status }, e.durationMs / 1000);
    metrics.hookFailures.inc({ service, status_code: status });
    if (e.statusCode === 412) metrics.preconditionFailed.inc({ service });
  });

  events.on('fhir.fetch', (e) => {
    const key = label(e.key);
    const outcome = label(e.outcome);
    metrics.fhirFetchDuration.observe({ key, outcome }, e.durationMs / 1000);
    if (e.outcome !== 'ok') metrics.fhirFetchFailures.inc({ key, reason: outcome });
  });

  events.on('feedback.received', (e) => {
    const service = label(e.serviceId);
    for (const item of e.items) metrics.feedbackItems.inc({ service, outcome: label(item.outcome) });
  });

  events.on('auth.failed', (e) => metrics.authFailures.inc({ reason: label(e.reason) }));

  events.on('store.write', (e) => metrics.storeWrites.inc({ kind: e.kind, outcome: e.outcome }, e.count));

  events.on('load.shed', (e) => metrics.loadShed.inc({ reason: label(e.reason) }));
}
