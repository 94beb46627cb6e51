import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Remembers every accepted `jti` until its token expires, so a captured token cannot be replayed.
 * `claim` answers true the first time a key is seen and false afterwards (atomic in both stores).
 */
export interface ReplayStore {
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** For readiness: false when the store cannot currently answer. */
  isHealthy(): boolean;
  close(): Promise<void>;
}

/** Raised when the store cannot answer; the caller fails closed (the token is not accepted). */
export class ReplayStoreUnavailable extends Error {
  override name = 'ReplayStoreUnavailable';
}

/**
 * One process only. Entries expire with their token; a sweep runs at most once per second. The size cap bounds
 * memory under a flood of valid tokens: when full, new tokens are refused rather than old entries forgotten
 * (forgetting would re-open replay for tokens that are still valid).
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly expiries = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly maxEntries = 200_000,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    this.sweep(now);
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    if (this.expiries.size >= this.maxEntries) throw new ReplayStoreUnavailable('replay cache is full');
    this.expiries.set(key, now + Math.max(ttlMs, 1));
    return true;
  }

  isHealthy(): boolean {
    return this.expiries.size < this.maxEntries;
  }

  async close(): Promise<void> {
    this.expiries.clear();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [key, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(key);
  }
}

/** Shared by every replica: `SET key 1 PX ttl NX` is atomic, so two replicas cannot both accept one jti. */
export class RedisReplayStore implements ReplayStore {
  /** `ioredis` is loaded on first construction only (await import): a service without REDIS_URL never loads it. */
  private readonly ready: Promise<Redis>;
  private redis: Redis | undefined;

  constructor(
    url: string,
    private readonly prefix = 'cds-hooks:jti:',
  ) {
    this.ready = import('ioredis').then(({ Redis: RedisClient }) => {
      const redis = new RedisClient(url, {
        // Commands wait for a (re)connection at most commandTimeout: an auth check must never hang on Redis.
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        commandTimeout: 1000,
      });
      // Connection errors are reported through claim() and readiness; without a listener ioredis logs them itself.
      redis.on('error', () => undefined);
      this.redis = redis;
      return redis;
    });
    // A failed import is reported by claim() (unavailable) and readiness, not as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    // Hash so that attacker-chosen jti strings never become raw Redis keys.
    const hashed = this.prefix + createHash('sha256').update(key).digest('base64url');
    try {
      const redis = this.redis ?? (await this.ready);
      const result = await redis.set(hashed, '1', 'PX', Math.max(Math.ceil(ttlMs), 1), 'NX');
      return result === 'OK';
    } catch {
      throw new ReplayStoreUnavailable('redis unavailable');
    }
  }

  isHealthy(): boolean {
    return this.redis?.status === 'ready';
  }

  async close(): Promise<void> {
    const redis = await this.ready.catch(() => undefined);
    if (!redis) return;
    await redis.quit().catch(() => redis.disconnect());
  }
}
