import { describe, expect, it } from 'vitest';
import { MemoryReplayStore, ReplayStoreUnavailable } from '../../src/security/replay-store.js';

/** The in-memory jti cache: once per key while the token lives, forgotten after, bounded in size. */
describe('MemoryReplayStore', () => {
  it('accepts a key once, until it expires', async () => {
    let now = 1_000_000;
    const store = new MemoryReplayStore(10, () => now);
    expect(await store.claim('iss\na', 5_000)).toBe(true);
    expect(await store.claim('iss\na', 5_000)).toBe(false);
    now += 4_999;
    expect(await store.claim('iss\na', 5_000)).toBe(false);
    now += 2;
    expect(await store.claim('iss\na', 5_000)).toBe(true);
  });

  it('keeps keys of different issuers apart', async () => {
    const store = new MemoryReplayStore();
    expect(await store.claim('iss-1\nsame-jti', 60_000)).toBe(true);
    expect(await store.claim('iss-2\nsame-jti', 60_000)).toBe(true);
  });

  it('when full, refuses new tokens rather than forgetting live ones; expired entries free space', async () => {
    let now = 0;
    const store = new MemoryReplayStore(2, () => now);
    await store.claim('a', 10_000);
    await store.claim('b', 10_000);
    await expect(store.claim('c', 10_000)).rejects.toBeInstanceOf(ReplayStoreUnavailable);
    expect(store.isHealthy()).toBe(false);
    expect(await store.claim('a', 10_000)).toBe(false);
    now += 20_000;
    expect(await store.claim('c', 10_000)).toBe(true);
  });
});
