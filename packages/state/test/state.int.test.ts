import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import {
  createDeadLetters,
  createPolicySkips,
  createStats,
  createTombstones,
  createWatermarks,
  stateKeys,
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

  it('an entry is changed when its version differs from the one last enqueued, lower too', async () => {
    const wm = createWatermarks(redis, prefix);
    await wm.markEnqueued([{ soul: 'a:1', version: 9 }], 1_000);
    expect(
      await wm.changed([
        { soul: 'a:1', version: 9 },
        { soul: 'b:1', version: 0 },
      ]),
    ).toEqual([{ soul: 'b:1', version: 0 }]);
    // A newer registration, and a re-registration by a node whose clock is behind.
    expect(await wm.changed([{ soul: 'a:1', version: 10 }])).toHaveLength(1);
    expect(await wm.changed([{ soul: 'a:1', version: 3 }])).toEqual([{ soul: 'a:1', version: 3 }]);
    await wm.markEnqueued([{ soul: 'a:1', version: 3 }], 2_000);
    expect(await wm.changed([{ soul: 'a:1', version: 3 }])).toEqual([]);
    await wm.reset('a:1');
    expect(await wm.changed([{ soul: 'a:1', version: 3 }])).toHaveLength(1);
  });

  it('the indexed mark only rises, under concurrent writers too', async () => {
    const wm = createWatermarks(redis, prefix);
    await Promise.all([5, 3, 9, 1, 7].map((version) => wm.markIndexed('a:1', version)));
    expect(await wm.indexed('a:1')).toBe(9);
    expect(await wm.indexed('b:1')).toBeUndefined();
  });

  it('names the souls not enqueued for longest, never-enqueued first, up to a limit', async () => {
    const wm = createWatermarks(redis, prefix);
    await wm.markEnqueued([{ soul: 'old:1', version: 1 }], 1_000);
    await wm.markEnqueued([{ soul: 'older:1', version: 1 }], 500);
    await wm.markEnqueued([{ soul: 'fresh:1', version: 1 }], 9_000);
    const entries = ['fresh:1', 'old:1', 'never:1', 'older:1'].map((soul) => ({
      soul,
      version: 1,
    }));
    expect((await wm.stale(entries, 5_000, 10)).map((e) => e.soul)).toEqual([
      'never:1',
      'older:1',
      'old:1',
    ]);
    expect((await wm.stale(entries, 5_000, 2)).map((e) => e.soul)).toEqual(['never:1', 'older:1']);
    expect(await wm.stale(entries, 5_000, 0)).toEqual([]);
  });

  it('drops the enqueued marks once when the sync policy changes', async () => {
    const wm = createWatermarks(redis, prefix);
    expect(await wm.adoptPolicy('p1')).toBe(false);
    await wm.markEnqueued([{ soul: 'a:1', version: 5 }], 1_000);
    expect(await wm.adoptPolicy('p1')).toBe(false);
    expect(await wm.changed([{ soul: 'a:1', version: 5 }])).toEqual([]);
    expect(await wm.adoptPolicy('p2')).toBe(true);
    expect(await wm.changed([{ soul: 'a:1', version: 5 }])).toHaveLength(1);
    expect(await wm.adoptPolicy('p2')).toBe(false);
  });

  it('keeps the newest tombstone per DID', async () => {
    const tombs = createTombstones(redis, prefix);
    await tombs.put('did:gun:a:1', 200);
    await tombs.put('did:gun:a:1', 100);
    expect(await tombs.getMany(['did:gun:a:1', 'did:gun:zz'])).toEqual([200, undefined]);
    expect(await tombs.count()).toBe(1);
  });

  it('lists every tombstoned DID page by page and forgets an undone one', async () => {
    const tombs = createTombstones(redis, prefix);
    const dids = Array.from({ length: 25 }, (_, i) => `did:gun:a:${i}`);
    for (const did of dids) await tombs.put(did, 7);
    const listed: string[] = [];
    for await (const page of tombs.dids(10)) listed.push(...page);
    expect(listed.sort()).toEqual([...dids].sort());
    await tombs.markPending('did:gun:p:1', 9);
    expect(await tombs.get('did:gun:p:1')).toBe(9); // holds back indexing
    expect(await tombs.getMany(['did:gun:p:1'])).toEqual([undefined]); // not applied yet
    const withPending: string[] = [];
    for await (const page of tombs.dids(10)) withPending.push(...page);
    expect(withPending).toContain('did:gun:p:1');
    await tombs.remove('did:gun:p:1');
    expect(await tombs.get('did:gun:p:1')).toBeUndefined();
    await tombs.remove('did:gun:a:3');
    expect(await tombs.get('did:gun:a:3')).toBeUndefined();
    expect(await tombs.count()).toBe(24);
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

  it('resolves an entry only for the stage that recorded it and a version at least as new', async () => {
    const dlq = createDeadLetters(redis, prefix);
    const at = { detail: 'x', at: 1 };
    await dlq.record({ soul: 'i:1', stage: 'index', version: 200, reason: 'es-rejected', ...at });
    await dlq.record({ soul: 't:1', stage: 'transform', reason: 'not-found', ...at });
    expect(await dlq.get('i:1')).toMatchObject({ version: 200 });

    expect(await dlq.resolve('i:1', { stage: 'transform' })).toBe(false);
    expect(await dlq.resolve('i:1', { stage: 'index', version: 100 })).toBe(false);
    expect(await dlq.resolve('t:1', { stage: 'index', version: 999 })).toBe(false);
    expect(await dlq.countByReason()).toEqual({ 'es-rejected': 1, 'not-found': 1 });

    expect(await dlq.resolve('i:1', { stage: 'index', version: 200 })).toBe(true);
    expect(await dlq.resolve('t:1', { stage: 'transform' })).toBe(true);
    expect(await dlq.resolve('gone', { stage: 'index', version: 1 })).toBe(false);
    expect(await dlq.count()).toBe(0);
    expect(await dlq.countByReason()).toEqual({});
  });

  it('keeps counts and lists per reason without reading the set, as reasons change and entries go', async () => {
    const dlq = createDeadLetters(redis, prefix);
    const at = (n: number) => 1_000 + n;
    // 60 souls recorded concurrently, a third of them twice with a second reason.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        dlq.record({
          soul: `s:${i}`,
          stage: 'transform',
          reason: i % 2 === 0 ? 'invalid-record' : 'decrypt-failed',
          detail: 'x',
          at: at(i),
        }),
      ),
    );
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        dlq.record({
          soul: `s:${i * 3}`,
          stage: 'index',
          reason: 'es-rejected',
          detail: 'y',
          at: at(100 + i),
        }),
      ),
    );
    // Moved: s:0, s:3, …, s:57 (10 of them even, 10 odd).
    expect(await dlq.countByReason()).toEqual({
      'invalid-record': 20,
      'decrypt-failed': 20,
      'es-rejected': 20,
    });
    const rejected = await dlq.list({ reason: 'es-rejected', offset: 5, limit: 10 });
    expect(rejected.total).toBe(20);
    // Newest first: the 20 were recorded at 1100..1119 for s:0..s:57.
    expect(rejected.items.map((d) => d.soul)).toEqual(
      Array.from({ length: 10 }, (_, k) => `s:${(14 - k) * 3}`),
    );
    expect(
      (await dlq.list({ reason: 'invalid-record' })).items.every(
        (d) => d.reason === 'invalid-record',
      ),
    ).toBe(true);
    await Promise.all(Array.from({ length: 20 }, (_, i) => dlq.remove(`s:${i * 3}`)));
    expect(await dlq.countByReason()).toEqual({ 'invalid-record': 20, 'decrypt-failed': 20 });
    expect((await dlq.list({ reason: 'es-rejected' })).total).toBe(0);
    expect(await dlq.count()).toBe(40);
  });

  it('counts entries recorded before the per-reason bookkeeping existed, once', async () => {
    const keys = stateKeys(prefix);
    // The earlier layout: entry, first failure, attempts and time only.
    for (const [soul, reason] of [
      ['old:1', 'invalid-record'],
      ['old:2', 'invalid-record'],
      ['old:3', 'bad-signature'],
    ] as const) {
      const entry = { soul, stage: 'transform', reason, detail: 'd', lastFailedAt: 5 };
      await redis
        .multi()
        .hset(keys.deadLetters, soul, JSON.stringify(entry))
        .hset(keys.deadLettersFirst, soul, 5)
        .hset(keys.deadLettersAttempts, soul, 1)
        .zadd(keys.deadLettersByTime, 5, soul)
        .exec();
    }
    await redis.zadd(keys.deadLettersByTime, 6, 'old:lost'); // its entry is gone
    const dlq = createDeadLetters(redis, prefix);
    expect(await dlq.countByReason()).toEqual({
      'invalid-record': 2,
      'bad-signature': 1,
      'unreadable-entry': 1,
    });
    await dlq.record({
      soul: 'old:1',
      stage: 'transform',
      reason: 'bad-signature',
      detail: 'd',
      at: 7,
    });
    expect(await dlq.countByReason()).toEqual({
      'invalid-record': 1,
      'bad-signature': 2,
      'unreadable-entry': 1,
    });
    expect((await dlq.list({ reason: 'bad-signature' })).items.map((d) => d.soul)).toEqual([
      'old:1',
      'old:3',
    ]);
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

  it('the writes of jobs settling together share one round trip each, every value kept', async () => {
    // The jobs of one bulk answer settle in the same turn: each used to send its own script,
    // MULTI and HGET (and build an ioredis pipeline per MULTI).
    const wm = createWatermarks(redis, prefix);
    const stats = createStats(redis, prefix);
    const dead = createDeadLetters(redis, prefix);
    const skips = createPolicySkips(redis, prefix);
    const tombstones = createTombstones(redis, prefix);
    await dead.record({
      soul: 's:7',
      stage: 'index',
      version: 7,
      reason: 'es-failed',
      detail: 'x',
      at: 1,
    });
    await skips.record('s:3', 'private-records-off');
    await tombstones.put('did:gun:s:5', 50);
    const souls = Array.from({ length: 40 }, (_, i) => `s:${i}`);
    const calls = {
      eval: vi.spyOn(redis, 'eval'),
      multi: vi.spyOn(redis, 'multi'),
      pipeline: vi.spyOn(redis, 'pipeline'),
      hget: vi.spyOn(redis, 'hget'),
      hmget: vi.spyOn(redis, 'hmget'),
      hdel: vi.spyOn(redis, 'hdel'),
    };
    try {
      const held = await Promise.all(souls.map((soul) => tombstones.get(`did:gun:${soul}`)));
      await Promise.all(
        souls.map(async (soul, i) => {
          await wm.markIndexed(soul, 100 + i);
          await dead.resolve(soul, { stage: 'index', version: 100 + i });
          await skips.clear(soul);
          await stats.count('synced');
          await stats.recordFreshness(i);
        }),
      );
      expect(held.filter((v) => v !== undefined)).toEqual([50]);
      expect({
        eval: calls.eval.mock.calls.length,
        multi: calls.multi.mock.calls.length,
        pipeline: calls.pipeline.mock.calls.length,
        hget: calls.hget.mock.calls.length,
        hmget: calls.hmget.mock.calls.length,
        hdel: calls.hdel.mock.calls.length,
      }).toEqual({ eval: 1, multi: 2, pipeline: 1, hget: 0, hmget: 2, hdel: 1 }); // multi: counts, then times
    } finally {
      for (const spy of Object.values(calls)) spy.mockRestore();
    }
    expect(await wm.indexed('s:39')).toBe(139);
    expect(await dead.get('s:7')).toBeUndefined();
    expect(await skips.reasonsOf(['s:3'])).toEqual(new Map());
    const snap = await stats.snapshot(Date.now());
    expect(snap.counters.synced).toBe(40);
    expect(snap.recent.ok).toBe(40);
    expect(snap.freshness.samples).toBe(40);
    expect(snap.freshness.maxMs).toBe(39);
  });
});
