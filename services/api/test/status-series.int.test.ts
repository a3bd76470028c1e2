/** The status series on the real Redis: one sample per step whoever records it, the last hour only. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { stateKeys } from '@sync/state';
import { serviceUrls } from '../../../test/services.js';
import { createStatusSeries, type StatusSample } from '../src/status/status-series.js';

const sample = (t: number, synced: number): StatusSample => ({
  t,
  transform: 1,
  index: 2,
  lagMs: 3,
  discovered: 4,
  synced,
  deleted: 0,
  errors: 0,
  deadLetters: 0,
});

describe('status series in Redis', () => {
  let redis: Redis;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    redis = await connectRedis(serviceUrls().redisUrl, 'producer');
  });
  afterAll(async () => {
    await redis.del(stateKeys(prefix).statusSeries);
    await obliterateAll(redis, prefix);
    redis.disconnect();
  });

  it('keeps one sample per step (the first) and trims what is older than the window', async () => {
    const a = createStatusSeries(redis, prefix, { stepMs: 1_000, keepMs: 5_000 });
    const b = createStatusSeries(redis, prefix, { stepMs: 1_000, keepMs: 5_000 }); // another replica
    const start = 1_800_000_000_000;
    expect(await a.record(sample(start + 100, 1))).toBe(true);
    expect(await b.record(sample(start + 900, 2))).toBe(false);
    for (let i = 1; i <= 20; i++) await (i % 2 ? a : b).record(sample(start + i * 1_000, 10 + i));
    expect(await redis.xlen(stateKeys(prefix).statusSeries)).toBeLessThanOrEqual(6);
    const read = await a.read(start + 20_000);
    expect(read.map((s) => s.t)).toEqual([15, 16, 17, 18, 19, 20].map((i) => start + i * 1_000));
    expect(read.at(-1)).toEqual(sample(start + 20_000, 30));
    await expect(a.record(sample(start + 3_000, 0))).resolves.toBe(false); // an old step
  });
});
