// Reconciliation's "queued" check against a real Redis and real BullMQ jobs: a missing entry
// whose transform job is waiting or running is queued, one whose job finished (or never
// existed, or whose deduplication key outlived its job) is not; and a page of entries costs
// two pipelined round trips, never a lookup (and BullMQ state script) per entry.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  JobName,
  QueueName,
  connectRedis,
  createProducer,
  createRedisConnection,
  dedupIdFor,
  type Producer,
} from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { transformQueued } from '../src/reconcile/session.js';
import { serviceUrls } from '../../../test/services.js';

const job = (soul: string) => ({
  soul,
  trigger: 'scan' as const,
  discoveredAt: new Date().toISOString(),
});

describe('reconciliation: transform jobs still to run', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function setup(): Promise<{
    redis: Redis;
    transform: Producer<'sync.transform'>;
    prefix: string;
  }> {
    const prefix = uniquePrefix();
    const redis = await connectRedis(serviceUrls().redisUrl, 'producer');
    const transform = createProducer(QueueName.transform, { connection: redis, prefix });
    closers.push(async () => {
      await transform.close();
      await obliterateAll(redis, prefix);
      redis.disconnect();
    });
    return { redis, transform, prefix };
  }

  const enqueue = (transform: Producer<'sync.transform'>, soul: string) =>
    transform.add(JobName.transformRecord, job(soul), {
      deduplication: { id: dedupIdFor('transform', soul), keepLastIfActive: true },
    });

  it('waiting and running jobs are queued; finished, removed and never-added ones are not', async () => {
    const { redis, transform, prefix } = await setup();
    let onStarted = () => {};
    let onRelease = () => {};
    const started = new Promise<void>((resolve) => (onStarted = resolve));
    const released = new Promise<void>((resolve) => (onRelease = resolve));
    const workerConnection = createRedisConnection(serviceUrls().redisUrl, 'worker');
    const worker = new Worker(
      QueueName.transform,
      async (taken: { data: { soul: string } }) => {
        if (taken.data.soul === 'h:running') {
          onStarted();
          await released;
          return 'ok';
        }
        throw new UnrecoverableError('fails for good');
      },
      { connection: workerConnection, prefix, autorun: false, concurrency: 1 },
    );
    closers.push(async () => {
      onRelease();
      await worker.close();
      workerConnection.disconnect();
    });

    // Run first: one job that fails for good (kept, finishedOn set), then one that keeps running.
    const failed = await enqueue(transform, 'h:failed');
    void worker.run();
    await vi.waitFor(async () =>
      expect(await transform.queue.getJobState(failed.id)).toBe('failed'),
    );
    await enqueue(transform, 'h:running');
    await started;
    await enqueue(transform, 'h:waiting');
    // A deduplication key naming a failed job, and one naming a job that is gone.
    const dedupKey = (soul: string) =>
      `${transform.queue.keys.de}:${dedupIdFor('transform', soul)}`;
    await redis.set(dedupKey('h:stale-failed'), failed.id);
    await redis.set(dedupKey('h:gone'), 'no-such-job');

    const souls = ['h:waiting', 'h:running', 'h:failed', 'h:never', 'h:stale-failed', 'h:gone'];
    expect(await transformQueued({ transform, redis }, souls)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('a page of entries costs two pipelined round trips, whatever its size', async () => {
    const { redis, transform } = await setup();
    const souls = Array.from({ length: 200 }, (_, i) => `h:page-${i}`);
    await transform.addBulk(
      souls.slice(0, 150).map((soul) => ({
        name: JobName.transformRecord,
        data: job(soul),
        opts: { deduplication: { id: dedupIdFor('transform', soul), keepLastIfActive: true } },
      })),
    );
    const spies = {
      pipeline: vi.spyOn(redis, 'pipeline'),
      get: vi.spyOn(redis, 'get'),
      state: vi.spyOn(transform.queue, 'getJobState'),
      dedup: vi.spyOn(transform.queue, 'getDeduplicationJobId'),
    };
    const queued = await transformQueued({ transform, redis }, souls);
    expect(queued.filter(Boolean)).toHaveLength(150);
    expect(queued.slice(150).some(Boolean)).toBe(false);
    expect({
      pipeline: spies.pipeline.mock.calls.length,
      get: spies.get.mock.calls.length,
      state: spies.state.mock.calls.length,
      dedup: spies.dedup.mock.calls.length,
    }).toEqual({ pipeline: 2, get: 0, state: 0, dedup: 0 });
  });
});
