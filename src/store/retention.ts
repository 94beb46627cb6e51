import type { FeedbackStore, PurgeResult } from './types.js';

const DAY_MS = 86_400_000;

/** Deletes cards shown, and feedback received, more than `retentionDays` before `now`. */
export function purgeExpired(store: FeedbackStore, retentionDays: number, now: Date): Promise<PurgeResult> {
  return store.purgeOlderThan(new Date(now.getTime() - retentionDays * DAY_MS));
}
