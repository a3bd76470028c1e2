/**
 * The discovery worker: one BullMQ Worker on sync.discover (global concurrency 1, so scans never
 * overlap across replicas) and the periodic full scan as a job scheduler upserted from here only.
 *
 * Both settings live only in Redis. A Redis that restarts empty (or is flushed) loses them, and
 * nothing else would ever schedule a scan again: so the worker checks for them after every
 * reconnect and every `ensureEveryMs`, and writes back whichever is missing (an immediate scan
 * follows, which re-reads the registry the lost watermarks no longer cover). A check that finds
 * them leaves the schedule as it is.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@sync/logging';
import {
  DiscoverJob,
  JobName,
  QueueName,
  assertHandlers,
  closeWorker,
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
  /** How often to check that the schedule and the global concurrency are still in Redis. */
  ensureEveryMs?: number;
}

/** Default of `ensureEveryMs`: a flush without a reconnect is noticed within this time. */
export const ENSURE_EVERY_MS = 30_000;

export async function createDiscoveryWorker(
  deps: DiscoverDeps,
  {
    connection,
    prefix,
    intervalMs,
    enabled,
    ensureEveryMs = ENSURE_EVERY_MS,
  }: DiscoveryWorkerOptions,
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
  const schedule = () =>
    queue.upsertJobScheduler(
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
  await queue.setGlobalConcurrency(1);
  if (enabled) {
    await schedule();
    log.info({ intervalMs }, 'full registry scan scheduled');
  } else {
    await queue.removeJobScheduler(schedulerId);
    log.info('GUN_SYNC_ENABLED=false: no registry scans are scheduled');
  }

  /** Writes back what Redis no longer holds; returns what it had to restore. */
  const restoreMissing = async (): Promise<string[]> => {
    const restored: string[] = [];
    if ((await queue.getGlobalConcurrency()) !== 1) {
      await queue.setGlobalConcurrency(1);
      restored.push('global-concurrency');
    }
    if (enabled && !(await queue.getJobScheduler(schedulerId))) {
      await schedule();
      restored.push('scan-schedule');
    }
    return restored;
  };
  let ensuring: Promise<void> | undefined;
  let failing = false;
  let closed = false;
  /** One check at a time; a failure is logged once until a check succeeds again. */
  const ensure = (trigger: 'reconnect' | 'timer') => {
    if (closed) return;
    ensuring ??= restoreMissing()
      .then((restored) => {
        if (restored.length > 0)
          log.warn(
            { trigger, restored, intervalMs },
            'discover queue settings were missing from Redis (restarted empty or flushed): written again',
          );
        if (failing) log.info({ trigger }, 'discover queue settings checked again');
        failing = false;
      })
      .catch((err: unknown) => {
        if (!failing && !closed)
          log.warn({ err, trigger }, 'discover queue settings could not be checked');
        failing = true;
      })
      .finally(() => {
        ensuring = undefined;
      });
  };
  // The connection was ready before this ran: every later 'ready' is a reconnect.
  const onReady = () => ensure('reconnect');
  connection.on('ready', onReady);
  const timer = setInterval(() => ensure('timer'), ensureEveryMs);
  timer.unref();

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
        closed = true;
        clearInterval(timer);
        connection.off('ready', onReady);
        await closeWorker(worker, { log });
        await queue.close();
      })();
      return closing;
    },
  };
}
