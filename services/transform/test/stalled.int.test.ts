// A transform job that BullMQ fails for stalling (the process holding it died too often) is a
// final failure like any other: counted and dead-lettered with its own reason, against a real
// Redis and the real transform stage.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import { createSilentLogger } from '@sync/logging';
import { JobName, QueueName, connectRedis, createProducer } from '@sync/queues';
import { obliterateAll, stallNextJob, uniquePrefix } from '@sync/queues/testing';
import { createDeadLetters, createStats } from '@sync/state';
import { serviceUrls } from '../../../test/services.js';
import { loadTransformConfig } from '../src/config.js';
import { startTransform, type TransformRuntime } from '../src/start.js';

async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('transform: a job failed for stalling', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('is counted and dead-lettered with reason stalled', async () => {
    const { redisUrl, gunRelayUrl } = serviceUrls();
    const prefix = uniquePrefix();
    const redis: Redis = await connectRedis(redisUrl, 'producer');
    const transform = createProducer(QueueName.transform, { connection: redis, prefix });
    closers.push(async () => {
      await transform.close();
      await obliterateAll(redis, prefix);
      redis.disconnect();
    });
    const soul = 'hash8:stalled';
    await transform.add(JobName.transformRecord, {
      soul,
      recordType: 'post',
      nodeId: 'node-a',
      trigger: 'scan',
      discoveredAt: new Date().toISOString(),
    });
    const jobId = await stallNextJob(redisUrl, QueueName.transform, prefix);

    const registry = new Registry();
    const config = loadTransformConfig({
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      GUN_CLIENT_MODE: 'http',
      GUN_PEERS: gunRelayUrl,
      SYNC_SEAL_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'silent',
    });
    const runtime: TransformRuntime = await startTransform(config, {
      log: createSilentLogger(),
      registry,
      onFatal: (err) => {
        throw err;
      },
    });
    closers.push(() => runtime.close());

    const dlq = createDeadLetters(redis, prefix);
    const entry = await waitFor('the stalled job in the dead-letter set', () => dlq.get(soul));
    expect(entry).toMatchObject({ soul, stage: 'transform', reason: 'stalled' });
    expect(entry.detail).toContain('stalled');
    expect(await transform.queue.getJobState(jobId)).toBe('failed');
    expect((await createStats(redis, prefix).snapshot(Date.now())).errorsByReason).toEqual({
      stalled: 1,
    });
    const metric = await registry.getSingleMetric('sync_transform_records_total')?.get();
    expect(metric?.values).toContainEqual(
      expect.objectContaining({ labels: { outcome: 'failed', reason: 'stalled' }, value: 1 }),
    );
  });
});
