import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { createEntrySpill, spillTtlSeconds, type SpilledEntry } from '../src/entry-spill.js';
import { stateKeys } from '../src/index.js';
import { serviceUrls } from '../../../test/services.js';

const entry = (soul: string, timestamp: number | null, nodeId: string | null): SpilledEntry => ({
  recordType: 'post',
  soul,
  nodeId,
  timestamp,
});

describe('a scan spill in Redis (issue 16)', () => {
  let redis: Redis;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    redis = await connectRedis(serviceUrls().redisUrl, 'producer');
  });
  afterAll(async () => {
    await obliterateAll(redis, prefix);
    redis.disconnect();
  });

  it('keeps the newest entry per soul across pages, by the rule of newerEntry (@sync/gun-client)', async () => {
    const key = stateKeys(prefix).scanEntries('scan-1', 'post');
    const spill = createEntrySpill(redis, key, 'post');
    // Each: the first page's entry, a later page's entry of the same soul, and which wins.
    const pairs: [SpilledEntry, SpilledEntry, 0 | 1][] = [
      [entry('a', 100, 'n1'), entry('a', 200, 'n1'), 1], // newer later
      [entry('b', 300, 'n1'), entry('b', 200, 'n9'), 0], // older later
      [entry('c', null, 'n1'), entry('c', 5, 'n1'), 1], // none loses to any
      [entry('d', 7, null), entry('d', null, 'n9'), 0],
      [entry('e', 50, 'n1'), entry('e', 50, 'n2'), 1], // tie: larger node id
      [entry('f', 50, 'n2'), entry('f', 50, 'n1'), 0],
      [entry('g', -3, 'n1'), entry('g', 1.5, null), 1], // values discovery later rejects
      [entry('h', null, null), entry('h', null, 'n1'), 1],
      [entry('i', 1e21, 'n1'), entry('i', 9e20, 'n2'), 0],
    ];
    await spill.add(pairs.map(([first]) => first));
    await spill.add(pairs.map(([, second]) => second));
    expect(await spill.count()).toBe(pairs.length);
    const kept = new Map<string, SpilledEntry>();
    for await (const page of spill.pages(3)) for (const e of page) kept.set(e.soul, e);
    for (const [first, second, wins] of pairs)
      expect(kept.get(first.soul)).toEqual(wins === 0 ? first : second);
    expect(await redis.ttl(key)).toBeGreaterThan(spillTtlSeconds - 60);
    await spill.clear();
    expect(await redis.exists(key)).toBe(0);
  });

  it('reads a large spill back in pages, each soul once', async () => {
    const spill = createEntrySpill(redis, stateKeys(prefix).scanEntries('scan-2', 'post'), 'post');
    const n = 2_000;
    await spill.add(Array.from({ length: n }, (_, i) => entry(`s-${i}`, i, 'n')));
    const souls = new Set<string>();
    let largest = 0;
    for await (const page of spill.pages(200)) {
      largest = Math.max(largest, page.length);
      for (const e of page) souls.add(e.soul);
    }
    expect(souls.size).toBe(n);
    expect(largest).toBeLessThan(n);
    await spill.clear();
  });
});
