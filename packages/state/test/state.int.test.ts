import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import {
  createDeadLetters,
  createStats,
  createTombstones,
  createWatermarks,
} from '../src/index.js';

import { serviceUrls } from '../../../test/services.js';

const redisUrl = (): string => serviceUrls().redisUrl;

describe('Redis state', () => {
  let redis: Redis;
  let prefix: string;
  beforeAll(async () => {
    redis = await connectRedis(redisUrl(), 'producer');
  });
  afterAll(() => redis.disconnect());
  beforeEach(() => {
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    await obliterateAll(redis, prefix);
  });

  it('watermarks only rise, under concurrent writers too', async () => {
    const wm = createWatermarks(redis, prefix);
    await Promise.all(
      [5, 3, 9, 1, 7].map((version) => wm.markEnqueued([{ soul: 'a:1', version }])),
    );
    expect(
      await wm.changed([
        { soul: 'a:1', version: 9 },
        { soul: 'a:1', version: 10 },
        { soul: 'b:1', version: 0 },
      ]),
    ).toEqual([
      { soul: 'a:1', version: 10 },
      { soul: 'b:1', version: 0 },
    ]);
    await wm.reset('a:1');
    expect(await wm.changed([{ soul: 'a:1', version: 1 }])).toHaveLength(1);
    await wm.markIndexed('a:1', 4);
    await wm.markIndexed('a:1', 2);
    expect(await wm.indexed('a:1')).toBe(4);
  });

  it('keeps the newest tombstone per DID', async () => {
    const tombs = createTombstones(redis, prefix);
    await tombs.put('did:gun:a:1', 200);
    await tombs.put('did:gun:a:1', 100);
    expect(await tombs.getMany(['did:gun:a:1', 'did:gun:zz'])).toEqual([200, undefined]);
    expect(await tombs.count()).toBe(1);
  });

  it('counts every failure of a dead letter and keeps the first time', async () => {
    const dlq = createDeadLetters(redis, prefix);
    await Promise.all(
      [1, 2, 3].map((at) =>
        dlq.record({
          soul: 'a:1',
          stage: 'transform',
          reason: 'invalid-record',
          detail: 'oip.ver missing',
          at,
        }),
      ),
    );
    await dlq.record({
      soul: 'a:2',
      did: 'did:gun:a:2',
      stage: 'index',
      reason: 'es-rejected',
      detail: 'mapper_parsing_exception',
      at: 10,
    });
    const one = await dlq.get('a:1');
    expect(one).toMatchObject({ attempts: 3, firstFailedAt: 1, reason: 'invalid-record' });
    expect(await dlq.countByReason()).toEqual({ 'invalid-record': 1, 'es-rejected': 1 });
    expect((await dlq.list()).items.map((d) => d.soul)).toEqual(['a:2', 'a:1']);
    expect((await dlq.list({ reason: 'es-rejected' })).items).toHaveLength(1);
    expect(await dlq.remove('a:1')).toBe(true);
    expect(await dlq.remove('a:1')).toBe(false);
    expect(await dlq.count()).toBe(1);
  });

  it('aggregates stats for every replica', async () => {
    const a = createStats(redis, prefix);
    const b = createStats(redis, prefix);
    await a.count('synced', 3);
    await b.count('synced', 2);
    await b.count('error', 1, 'decrypt-failed');
    await a.scanStarted(1000);
    await b.scanEnded({ startedAt: 1000, endedAt: 3000, discovered: 5, enqueued: 4, errors: 0 });
    await a.setRegistryCounts({ post: 3 });
    const snap = await a.snapshot(Date.now());
    expect(snap).toMatchObject({
      counters: { synced: 5, error: 1, cycles: 1 },
      errorsByReason: { 'decrypt-failed': 1 },
      lastScanStartedAt: 1000,
      lastScanEndedAt: 3000,
      registryCounts: { post: 3 },
      recent: { ok: 5, errors: 1 },
    });
    expect(snap.cycles).toHaveLength(1);
  });
});
