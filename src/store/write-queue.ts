import type { CardLogRecord, FeedbackRecord, FeedbackStore } from './types.js';

const MAX_REJECTIONS = 3;

export type RecordKind = 'card' | 'feedback';
export type WriteOutcome = 'ok' | 'retrying' | 'dropped';

export interface WriteQueueOptions {
  store: FeedbackStore;
  /** Per kind: beyond this many waiting records the oldest are dropped (memory stays bounded while the DB is down). */
  maxRecords: number;
  batchSize: number;
  flushIntervalMs: number;
  /** Longest wait between retries while the database is down. */
  maxBackoffMs?: number;
  /** Run before writing (e.g. the schema migrations, if start-up could not apply them); a failure means "retry". */
  prepare?: () => Promise<void>;
  /** Every write result, in batches (wired to `store.write` events / metrics). */
  onWrite: (kind: RecordKind, outcome: WriteOutcome, count: number) => void;
  /** Something operators must see: a loss, an outage, a recovery. Never given record contents. */
  onProblem: (message: string, details: Record<string, unknown>) => void;
}

interface Lane<T> {
  kind: RecordKind;
  waiting: T[];
  write: (batch: T[]) => Promise<void>;
}

/**
 * Keeps database writes off the hot path: hook and feedback handlers only push records here (no I/O), and a timer
 * (or a full batch) writes them in batched transactions. While the database is down, batches stay queued and are
 * retried with back-off; the queue is bounded, so a long outage drops the oldest records, each loss reported.
 * Inserts ignore existing keys, so a batch retried after an ambiguous failure is not written twice.
 */
export class WriteQueue {
  private readonly cards: Lane<CardLogRecord>;
  private readonly feedback: Lane<FeedbackRecord>;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  /** Consecutive failures of the head batch while the database answered pings: the batch itself is at fault. */
  private rejections = 0;
  private retryAt = 0;
  private closed = false;

  constructor(private readonly options: WriteQueueOptions) {
    const { store } = options;
    this.cards = { kind: 'card', waiting: [], write: (batch) => store.insertCards(batch) };
    this.feedback = { kind: 'feedback', waiting: [], write: (batch) => store.insertFeedback(batch) };
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  get size(): number {
    return this.cards.waiting.length + this.feedback.waiting.length;
  }

  /** True while the last write attempt failed (the database is unreachable or refusing writes). */
  get degraded(): boolean {
    return this.failures > 0;
  }

  enqueueCards(records: CardLogRecord[]): void {
    this.enqueue(this.cards, records);
  }

  enqueueFeedback(records: FeedbackRecord[]): void {
    this.enqueue(this.feedback, records);
  }

  private enqueue<T>(lane: Lane<T>, records: T[]): void {
    if (records.length === 0) return;
    if (this.closed) {
      this.lose(lane, records.length, 'queue closed (shutting down)');
      return;
    }
    lane.waiting.push(...records);
    const excess = lane.waiting.length - this.options.maxRecords;
    if (excess > 0) {
      lane.waiting.splice(0, excess);
      this.lose(lane, excess, 'queue full');
    }
    // A full batch is written soon rather than on the next tick, unless the database is known to be down.
    if (lane.waiting.length >= this.options.batchSize && this.failures === 0)
      setImmediate(() => void this.tick());
  }

  private async tick(): Promise<void> {
    if (Date.now() < this.retryAt) return;
    await this.flush();
  }

  /**
   * Write everything waiting, batch by batch, including records that arrive meanwhile; stops at the first failure
   * (the rest waits for the retry). Concurrent callers share one drain. Resolves true when the queue was emptied.
   */
  async flush(): Promise<boolean> {
    for (;;) {
      this.flushing ??= this.drain().finally(() => {
        this.flushing = undefined;
      });
      await this.flushing;
      if (this.size === 0) return true;
      if (this.failures > 0) return false;
    }
  }

  private async drain(): Promise<void> {
    if (this.size === 0) return;
    if (this.options.prepare) {
      try {
        await this.options.prepare();
      } catch (err) {
        for (const lane of [this.cards, this.feedback] as Lane<unknown>[]) {
          if (lane.waiting.length > 0) this.scheduleRetry(lane, lane.waiting.length, errorCode(err));
        }
        return;
      }
    }
    for (const lane of [this.cards, this.feedback] as Lane<unknown>[]) {
      while (lane.waiting.length > 0) {
        if (!(await this.writeBatch(lane))) return;
      }
    }
  }

  private async writeBatch<T>(lane: Lane<T>): Promise<boolean> {
    const batch = lane.waiting.slice(0, this.options.batchSize);
    try {
      await lane.write(batch);
    } catch (err) {
      return this.handleFailure(lane, batch.length, err);
    }
    lane.waiting.splice(0, batch.length);
    if (this.failures > 0) {
      this.options.onProblem('feedback store writes resumed', {
        kind: lane.kind,
        failedAttempts: this.failures,
      });
    }
    this.failures = 0;
    this.rejections = 0;
    this.retryAt = 0;
    this.options.onWrite(lane.kind, 'ok', batch.length);
    return true;
  }

  private async handleFailure<T>(lane: Lane<T>, count: number, err: unknown): Promise<boolean> {
    const code = errorCode(err);
    if (await this.options.store.ping()) {
      // The database is up yet refused this batch. Once may be a race with an outage ending; repeatedly means
      // the batch itself is refused, and retrying it would block the queue for ever, so it is dropped.
      this.rejections++;
      if (this.rejections >= MAX_REJECTIONS) {
        this.rejections = 0;
        lane.waiting.splice(0, count);
        this.lose(lane, count, 'batch rejected by the database', code);
        return true;
      }
    }
    this.scheduleRetry(lane, count, code);
    return false;
  }

  private scheduleRetry<T>(lane: Lane<T>, count: number, code: string): void {
    this.failures++;
    const backoff = Math.min(
      this.options.flushIntervalMs * 2 ** Math.min(this.failures - 1, 16),
      this.options.maxBackoffMs ?? 30_000,
    );
    this.retryAt = Date.now() + backoff;
    if (this.failures === 1) {
      this.options.onProblem('feedback store unavailable: writes queued for retry', {
        kind: lane.kind,
        code,
      });
    }
    this.options.onWrite(lane.kind, 'retrying', count);
  }

  private lose<T>(lane: Lane<T>, count: number, reason: string, code?: string): void {
    this.options.onProblem('feedback store records dropped', {
      kind: lane.kind,
      count,
      reason,
      ...(code ? { code } : {}),
    });
    this.options.onWrite(lane.kind, 'dropped', count);
  }

  /**
   * Graceful shutdown: stop the timer, then keep trying to write everything until the deadline; what is still
   * waiting after it is reported as dropped.
   */
  async close(deadlineMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closed = true;
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      if (await this.flush()) return;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(1, deadline - Date.now()))));
    }
    for (const lane of [this.cards, this.feedback] as Lane<unknown>[]) {
      if (lane.waiting.length > 0)
        this.lose(lane, lane.waiting.splice(0).length, 'database unavailable at shutdown');
    }
  }
}

/** A database error code (SQLITE_BUSY, ECONNREFUSED, 42P01, …) is safe to log; its message may quote values. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}
