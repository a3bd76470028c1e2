/**
 * The discovery worker: one BullMQ Worker on sync.discover (global concurrency 1, so scans never
 * overlap across replicas) and the periodic full scan as a job scheduler upserted from here only.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@sync/logging';
import {
  DiscoverJob,
  JobName,
  QueueName,
  assertHandlers,
  defineProcessor,
  queueCatalog,
} from '@sync/queues';
import { makeDiscover, type DiscoverDeps } from './discover.js';

export const schedulerId = 'discover-registry';

export interface DiscoveryWorkerOptions {
  connection: Redis;
  prefix: string;
  intervalMs: number;
  enabled: boolean;
}

export async function createDiscoveryWorker(
  deps: DiscoverDeps,
  { connection, prefix, intervalMs, enabled }: DiscoveryWorkerOptions,
  log: Logger,
) {
  const discover = makeDiscover(deps, log);
  const handlers = {
    [JobName.discoverRegistry]: {
      schema: DiscoverJob,
      handle: (
        data: DiscoverJob,
        ctx: { job: Parameters<typeof discover>[1]; signal?: AbortSignal },
      ) => discover(data, ctx.job, ctx.signal),
    },
  };
  assertHandlers(QueueName.discover, Object.keys(queueCatalog[QueueName.discover].jobs), handlers);

  const queue = new Queue(QueueName.discover, {
    connection,
    prefix,
    defaultJobOptions: queueCatalog[QueueName.discover].defaults,
  });
  await queue.setGlobalConcurrency(1);
  if (enabled) {
    await queue.upsertJobScheduler(
      schedulerId,
      { every: intervalMs },
      {
        name: JobName.discoverRegistry,
        data: {
          scope: 'all',
          force: false,
          requestedBy: 'scheduler',
          requestedAt: new Date().toISOString(),
        },
      },
    );
    log.info({ intervalMs }, 'full registry scan scheduled');
  } else {
    await queue.removeJobScheduler(schedulerId);
    log.info('GUN_SYNC_ENABLED=false: no registry scans are scheduled');
  }

  const worker = new Worker(QueueName.discover, defineProcessor(handlers, log), {
    connection,
    prefix,
    concurrency: 1,
    autorun: false,
  });
  worker.on('error', (err) => log.error({ err }, 'discovery worker error'));
  worker.on('failed', (job, err) => log.error({ err, jobId: job?.id }, 'discovery failed'));

  let closing: Promise<void> | undefined;
  return {
    worker,
    queue,
    close() {
      closing ??= (async () => {
        await worker.close();
        await queue.close();
      })();
      return closing;
    },
  };
}
