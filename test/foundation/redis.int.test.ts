/**
 * BullMQ against the real Redis: a job goes into a queue, a Worker processes it and the result
 * comes back through QueueEvents. Unique key prefix per run, removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrls } from '../services.js';

interface SumJob {
  a: number;
  b: number;
}

interface SumResult {
  sum: number;
  pid: number;
}

async function countKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

describe('redis with bullmq', () => {
  const { redisUrl } = serviceUrls();
  const prefix = `test-${randomUUID()}`;
  const queueName = 'foundation';
  // Producers fail fast; workers and event listeners block, so they need maxRetriesPerRequest: null.
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  const blocking = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  let queue: Queue<SumJob, SumResult>;
  let events: QueueEvents;
  let worker: Worker<SumJob, SumResult>;

  beforeAll(async () => {
    await Promise.all([producer.connect(), blocking.connect()]);
    queue = new Queue<SumJob, SumResult>(queueName, { connection: producer, prefix });
    events = new QueueEvents(queueName, { connection: blocking, prefix });
    worker = new Worker<SumJob, SumResult>(
      queueName,
      (job) => Promise.resolve({ sum: job.data.a + job.data.b, pid: process.pid }),
      {
        connection: blocking,
        prefix,
      },
    );
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
  });

  afterAll(async () => {
    await worker?.close();
    await events?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    const left = await countKeys(producer, prefix);
    await Promise.all([producer.quit(), blocking.quit()]);
    expect(left).toBe(0);
  });

  it('round-trips a job through a worker and returns its result', async () => {
    const job = await queue.add('add-numbers', { a: 2, b: 40 });
    const result = await job.waitUntilFinished(events, 15_000);

    expect(result).toEqual({ sum: 42, pid: process.pid });
    const stored = await queue.getJob(job.id ?? '');
    expect(stored?.returnvalue).toEqual(result);
    expect(await countKeys(producer, prefix)).toBeGreaterThan(0);

    const info = await producer.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1];
    process.stdout.write(
      `[foundation] redis ${version} at ${redisUrl}: job ${job.id} in ${prefix} returned ${JSON.stringify(result)}\n`,
    );
  });
});
