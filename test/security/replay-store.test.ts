import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { replayBuckets } from '../../src/security/replay-quotas.js';
import {
  MemoryReplayStore,
  RedisReplayStore,
  ReplayStoreUnavailable,
  type ReplayStore,
} from '../../src/security/replay-store.js';
import { redisReachable, REDIS_URL } from './support/redis.js';

/**
 * The jti cache (issue 11): once per jti while the token lives, forgotten after; per-bucket quotas, so one issuer's
 * flood never refuses another issuer or fails readiness. The same contract runs against the memory store (with a
 * fake clock) and against the real Redis (own key prefix, short real TTLs).
 */
interface Harness {
  store: ReplayStore;
  /** Let `ms` pass (fake clock, or a real wait with a margin for Redis). */
  advance(ms: number): Promise<void>;
}

const TTL = 300;

function contract(name: string, make: () => Harness) {
  describe(`${name}: replay-cache contract`, () => {
    const harnesses: Harness[] = [];
    const fresh = () => {
      const h = make();
      harnesses.push(h);
      return h;
    };
    afterAll(async () => {
      await Promise.all(harnesses.map((h) => h.store.close()));
    });
    const claim = (h: Harness, bucket: string, jti: string, quota = 10) =>
      h.store.claim({ bucket, jti, ttlMs: TTL, quota });

    it('accepts a jti once, until it expires', async () => {
      const h = fresh();
      expect(await claim(h, 'A', 'j1')).toBe('accepted');
      expect(await claim(h, 'A', 'j1')).toBe('replayed');
      await h.advance(TTL + 50);
      expect(await claim(h, 'A', 'j1')).toBe('accepted');
    });

    it('keeps buckets apart', async () => {
      const h = fresh();
      expect(await claim(h, 'A', 'same')).toBe('accepted');
      expect(await claim(h, 'B', 'same')).toBe('accepted');
    });

    it('a full bucket refuses its own new tokens only: another bucket and readiness are unaffected', async () => {
      const h = fresh();
      expect(await claim(h, 'A', 'a1', 2)).toBe('accepted');
      expect(await claim(h, 'A', 'a2', 2)).toBe('accepted');
      expect(await claim(h, 'A', 'a3', 2)).toBe('over-quota');
      // A replay is still reported as one, not hidden behind the quota.
      expect(await claim(h, 'A', 'a1', 2)).toBe('replayed');
      expect(await claim(h, 'B', 'b1', 2)).toBe('accepted');
      expect(h.store.isHealthy()).toBe(true);
    });

    it('a token refused for the quota is not recorded: it is accepted once its bucket has room', async () => {
      const h = fresh();
      await claim(h, 'A', 'a1', 1);
      expect(await claim(h, 'A', 'a2', 1)).toBe('over-quota');
      await h.advance(TTL + 50);
      expect(await claim(h, 'A', 'a2', 1)).toBe('accepted');
      expect(await claim(h, 'A', 'a2', 1)).toBe('replayed');
    });
  });
}

contract('MemoryReplayStore', () => {
  let now = 1_000_000;
  return {
    store: new MemoryReplayStore(1000, () => now),
    advance: async (ms) => {
      now += ms;
    },
  };
});

const reachable = await redisReachable();
if (!reachable) console.warn(`Redis replay-store tests SKIPPED: ${REDIS_URL} is unreachable`);

describe.skipIf(!reachable)('against the real Redis', () => {
  contract('RedisReplayStore', () => ({
    store: new RedisReplayStore(REDIS_URL, `cds-hooks-test:${randomUUID()}:`),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 100)),
  }));

  it('the quota holds across replicas sharing one Redis', async () => {
    const prefix = `cds-hooks-test:${randomUUID()}:`;
    const [a, b] = [new RedisReplayStore(REDIS_URL, prefix), new RedisReplayStore(REDIS_URL, prefix)];
    try {
      expect(await a.claim({ bucket: 'A', jti: 'x', ttlMs: 60_000, quota: 2 })).toBe('accepted');
      expect(await b.claim({ bucket: 'A', jti: 'x', ttlMs: 60_000, quota: 2 })).toBe('replayed');
      expect(await b.claim({ bucket: 'A', jti: 'y', ttlMs: 60_000, quota: 2 })).toBe('accepted');
      expect(await a.claim({ bucket: 'A', jti: 'z', ttlMs: 60_000, quota: 2 })).toBe('over-quota');
      expect(await a.claim({ bucket: 'B', jti: 'z', ttlMs: 60_000, quota: 2 })).toBe('accepted');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a rolling upgrade: tokens accepted by a replica of the earlier one-key-per-jti layout, and by a new one, are each refused by the other', async () => {
    const prefix = `cds-hooks-test:${randomUUID()}:`;
    const store = new RedisReplayStore(REDIS_URL, prefix);
    const oldReplica = new Redis(REDIS_URL);
    // What the earlier release ran for each token: SET <prefix><sha256(iss \n jti)> 1 PX ttl NX, "OK" = accepted.
    const oldClaim = (iss: string, jti: string) =>
      oldReplica.set(
        prefix + createHash('sha256').update(`${iss}\n${jti}`).digest('base64url'),
        '1',
        'PX',
        60_000,
        'NX',
      );
    try {
      const claim = (jti: string) =>
        store.claim({ bucket: 'iss-a', jti, ttlMs: 60_000, quota: 10, issuer: 'https://ehr.example.org' });
      expect(await oldClaim('https://ehr.example.org', 'old-first')).toBe('OK');
      expect(await claim('old-first')).toBe('replayed');
      expect(await claim('new-first')).toBe('accepted');
      expect(await oldClaim('https://ehr.example.org', 'new-first')).toBeNull();
      // Another issuer's token with the same jti is its own.
      expect(await oldClaim('https://other.example.org', 'new-first')).toBe('OK');
    } finally {
      oldReplica.disconnect();
      await store.close();
    }
  });
});

describe('MemoryReplayStore memory bound', () => {
  it('never holds more than its total, whatever the quotas; expired entries free space', async () => {
    let now = 0;
    const store = new MemoryReplayStore(2, () => now);
    await store.claim({ bucket: 'A', jti: 'a', ttlMs: 10_000, quota: 5 });
    await store.claim({ bucket: 'B', jti: 'b', ttlMs: 10_000, quota: 5 });
    await expect(store.claim({ bucket: 'C', jti: 'c', ttlMs: 10_000, quota: 5 })).rejects.toBeInstanceOf(
      ReplayStoreUnavailable,
    );
    now += 20_000;
    expect(await store.claim({ bucket: 'C', jti: 'c', ttlMs: 10_000, quota: 5 })).toBe('accepted');
  });
});

describe('replay buckets: shares of JTI_CACHE_MAX_ENTRIES', () => {
  const issuer = (iss: string, tenants: string[] = []) => ({
    iss,
    jwksUris: [],
    jkuAliases: [],
    tenants,
    fhirServers: [],
  });
  const bucketOf = replayBuckets([issuer('A'), issuer('B', ['t1', 't2'])], 1000);

  it('each issuer an equal share, split between its listed tenants; the shares never exceed the total', () => {
    expect(bucketOf({ issuer: 'A' })).toEqual({ key: 'iss:A|tenant:', quota: 500 });
    expect(bucketOf({ issuer: 'B', tenant: 't1' })).toEqual({ key: 'iss:B|tenant:t1', quota: 250 });
    expect(bucketOf({ issuer: 'B', tenant: 't2' }).quota).toBe(250);
  });

  it('the tenant claim of an issuer without a tenant list is not a bucket of its own', () => {
    expect(bucketOf({ issuer: 'A', tenant: 'self-asserted-1' })).toEqual(bucketOf({ issuer: 'A' }));
    expect(bucketOf({ issuer: 'A', tenant: 'self-asserted-2' }).key).toBe('iss:A|tenant:');
  });
});
