import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** One token's nonce, counted against its issuer's (and tenant's) share of the cache. */
export interface ReplayClaim {
  /** The issuer and configured tenant the token counts against (see replay-quotas.ts). */
  bucket: string;
  /** The token's `jti`. */
  jti: string;
  /** How long to remember it (until the token could no longer be accepted). */
  ttlMs: number;
  /** Most live nonces this bucket may hold. */
  quota: number;
  /**
   * The token's `iss`: the Redis store also keeps the one-key-per-jti record of releases before the per-bucket
   * quotas (`SET <prefix><sha256(iss + "\n" + jti)> NX`), so that during a rolling upgrade an old and a new replica
   * still refuse each other's tokens as replays.
   */
  issuer?: string;
}

/**
 * `accepted` the first time a jti is seen in its bucket; `replayed` afterwards, while it lives; `over-quota` when the
 * bucket already holds its quota of live nonces (the token is refused and not recorded, so it may be retried).
 */
export type ClaimOutcome = 'accepted' | 'replayed' | 'over-quota';

/**
 * Remembers every accepted `jti` until its token expires, so a captured token cannot be replayed. Each issuer (and
 * each configured tenant) has its own quota of live nonces, so one issuer's flood of valid tokens fills only its own
 * share and never refuses another issuer's requests or fails readiness (issue 11). Atomic in both stores.
 */
export interface ReplayStore {
  claim(claim: ReplayClaim): Promise<ClaimOutcome>;
  /** For readiness: false when the store cannot currently answer (never because one bucket is full). */
  isHealthy(): boolean;
  close(): Promise<void>;
}

/** Raised when the store cannot answer; the caller fails closed (the token is not accepted). */
export class ReplayStoreUnavailable extends Error {
  override name = 'ReplayStoreUnavailable';
}

interface MemoryBucket {
  expiries: Map<string, number>;
  lastSweep: number;
}

/**
 * One process only. Entries expire with their token. A bucket at its quota first drops the expired entries at its
 * front (insertion order, which is expiry order for tokens of one lifetime), then, at most once a second (so a
 * flooding issuer cannot make every call scan its bucket), all of its expired entries; every bucket is swept every
 * 10 s. The
 * total cap bounds memory whatever the quotas; with quotas from replay-quotas.ts (shares of that same total) it is
 * never reached.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly buckets = new Map<string, MemoryBucket>();
  private size = 0;
  private lastFullSweep = 0;

  constructor(
    private readonly maxEntries = 200_000,
    private readonly now: () => number = Date.now,
  ) {}

  async claim({ bucket: name, jti, ttlMs, quota }: ReplayClaim): Promise<ClaimOutcome> {
    const now = this.now();
    if (now - this.lastFullSweep >= 10_000) this.sweepAll(now);
    let bucket = this.buckets.get(name);
    if (!bucket) this.buckets.set(name, (bucket = { expiries: new Map(), lastSweep: now }));
    const expiry = bucket.expiries.get(jti);
    if (expiry !== undefined && expiry > now) return 'replayed';
    if (expiry !== undefined) this.remove(bucket, jti);
    if (bucket.expiries.size >= quota) this.sweepFront(bucket, now);
    if (bucket.expiries.size >= quota && now - bucket.lastSweep >= 1000) this.sweep(bucket, now);
    if (bucket.expiries.size >= quota) return 'over-quota';
    if (this.size >= this.maxEntries) {
      this.sweepAll(now);
      if (this.size >= this.maxEntries) throw new ReplayStoreUnavailable('replay cache is full');
    }
    this.size++;
    bucket.expiries.set(jti, now + Math.max(ttlMs, 1));
    return 'accepted';
  }

  isHealthy(): boolean {
    return this.size < this.maxEntries;
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.size = 0;
  }

  private remove(bucket: MemoryBucket, jti: string): void {
    if (bucket.expiries.delete(jti)) this.size--;
  }

  /** Expired entries at the front (insertion order): tokens of one lifetime expire in that order, so this is cheap. */
  private sweepFront(bucket: MemoryBucket, now: number): void {
    for (const [key, expiry] of bucket.expiries) {
      if (expiry > now) break;
      this.remove(bucket, key);
    }
  }

  private sweep(bucket: MemoryBucket, now: number): void {
    bucket.lastSweep = now;
    for (const [key, expiry] of bucket.expiries) if (expiry <= now) this.remove(bucket, key);
  }

  private sweepAll(now: number): void {
    this.lastFullSweep = now;
    for (const [name, bucket] of this.buckets) {
      this.sweep(bucket, now);
      if (bucket.expiries.size === 0) this.buckets.delete(name);
    }
  }
}

/**
 * The same claim in one Lua script (atomic): a sorted set per bucket, each member a hashed jti scored by its expiry
 * in Redis's own clock (TIME, so replicas with skewed clocks agree). Expired members are dropped first; a member
 * still present is a replay; a bucket at its quota refuses; the set itself expires with its last member.
 * KEYS[2], when not empty, is the record of earlier releases (one key per issuer and jti, set NX by them): it counts
 * as a replay when present, and is written on acceptance, so old and new replicas agree during a rolling upgrade.
 */
const CLAIM_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local legacy = KEYS[2] ~= ''
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
if legacy and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 2 end
local expiry = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], expiry, ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if legacy then redis.call('SET', KEYS[2], '1', 'PX', ARGV[2]) end
return 1
`;

const OUTCOMES: Record<number, ClaimOutcome> = { 0: 'replayed', 1: 'accepted', 2: 'over-quota' };

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

/** Shared by every replica: two replicas can never both accept one jti, and the quotas hold across replicas. */
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
      redis.defineCommand('claimJti', { numberOfKeys: 2, lua: CLAIM_SCRIPT });
      // Connection errors are reported through claim() and readiness; without a listener ioredis logs them itself.
      redis.on('error', () => undefined);
      this.redis = redis;
      return redis;
    });
    // A failed import is reported by claim() (unavailable) and readiness, not as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  async claim({ bucket, jti, ttlMs, quota, issuer }: ReplayClaim): Promise<ClaimOutcome> {
    // Hashed, so that attacker-chosen jti strings never become raw Redis keys or members.
    const key = `${this.prefix}bucket:${digest(bucket)}`;
    const legacyKey = issuer === undefined ? '' : this.prefix + digest(`${issuer}\n${jti}`);
    try {
      const redis = this.redis ?? (await this.ready);
      const claimJti = (redis as unknown as ClaimCommand).claimJti;
      const ttl = Math.max(Math.ceil(ttlMs), 1);
      const result = await claimJti.call(redis, key, legacyKey, digest(jti), ttl, quota);
      const outcome = OUTCOMES[Number(result)];
      if (!outcome) throw new Error('unexpected claim result');
      return outcome;
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

interface ClaimCommand {
  claimJti(key: string, legacyKey: string, member: string, ttlMs: number, quota: number): Promise<unknown>;
}
