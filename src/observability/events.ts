import type { Card, HookName } from '../protocol/types.js';
import type { FeedbackItem } from '../protocol/schemas/feedback.js';
import type { KeySource } from '../protocol/prefetch/resolve.js';

/**
 * What the protocol layer reports as it works. Metrics, the card log and anything else that observes requests
 * subscribe here, so the route code does not know about them. Listeners run synchronously on the hot path:
 * they must only record or enqueue, never do I/O inline.
 */
export interface CdsEventMap {
  'hook.completed': {
    serviceId: string;
    hook: HookName;
    hookInstance: string;
    statusCode: number;
    durationMs: number;
    cards: Card[];
    prefetchSources: Record<string, KeySource>;
    patientId: string;
    contentVersion: string;
    issuer?: string;
    tenant?: string;
  };
  'hook.failed': { serviceId: string; hook?: HookName; statusCode: number; durationMs: number };
  'fhir.fetch': { key: string; durationMs: number; outcome: string; status?: number };
  'feedback.received': { serviceId: string; items: FeedbackItem[]; issuer?: string; tenant?: string };
  'auth.failed': { reason: string };
  /** Card-log / feedback store writes, reported in batches (outcome `dropped` = lost, e.g. database down). */
  'store.write': { kind: 'card' | 'feedback'; outcome: 'ok' | 'retrying' | 'dropped'; count: number };
  /** A request answered 503 by load shedding; `reason` names the pressure (e.g. `eventLoopDelay`, `heapUsedBytes`). */
  'load.shed': { reason: string };
}

type Listener<K extends keyof CdsEventMap> = (event: CdsEventMap[K]) => void;

export class CdsEvents {
  private readonly listeners = new Map<keyof CdsEventMap, Listener<never>[]>();

  on<K extends keyof CdsEventMap>(name: K, listener: Listener<K>): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as Listener<never>);
    this.listeners.set(name, list);
  }

  emit<K extends keyof CdsEventMap>(name: K, event: CdsEventMap[K]): void {
    const list = this.listeners.get(name) as Listener<K>[] | undefined;
    if (!list) return;
    for (const listener of list) {
      try {
        listener(event);
      } catch {
        // An observer must never break a clinical response.
      }
    }
  }
}
