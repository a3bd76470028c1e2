/** Helpers for integration tests against a real Redis. */
import { randomUUID } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedisConnection } from './connection.js';
import { QueueName } from './names.js';

/** A BullMQ prefix no other test uses. */
export function uniquePrefix(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

/** Removes every queue of the pipeline and every other key under `prefix`. */
export async function obliterateAll(connection: Redis, prefix: string): Promise<void> {
  for (const name of Object.values(QueueName)) {
    const queue = new Queue(name, { connection, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  let cursor = '0';
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await connection.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * Makes BullMQ fail the next waiting job of `queueName` for stalling, as when the process holding
 * it dies: the job is taken into `active` under a lock nobody renews, and BullMQ's own stalled
 * check (with `maxStalledCount: 0`, the first stall is one too many) sends it back to wait with
 * its failure deferred. The next worker to fetch it fails it ("job stalled more than allowable
 * limit"). Returns the job's id once it waits again.
 */
export async function stallNextJob(
  redisUrl: string,
  queueName: string,
  prefix: string,
  timeoutMs = 15_000,
): Promise<string> {
  const connection = createRedisConnection(redisUrl, 'worker');
  const crashed = new Worker(queueName, undefined, {
    connection,
    prefix,
    autorun: false,
    lockDuration: 200,
    stalledInterval: 100,
    maxStalledCount: 0,
  });
  try {
    const job = (await crashed.getNextJob(`crashed-${randomUUID()}`)) as Job | undefined;
    if (!job?.id) throw new Error(`no waiting job on ${queueName} to stall`);
    void crashed.startStalledCheckTimer();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const back = await Job.fromId(crashed, job.id);
      if (back?.deferredFailure) return job.id;
      if (Date.now() > deadline)
        throw new Error(`job ${job.id} did not stall within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await crashed.close();
    connection.disconnect();
  }
}
