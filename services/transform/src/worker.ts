/**
 * The transform worker pool: a BullMQ Worker on sync.transform running `processRecord` with
 * configurable concurrency. A job that fails for good is in the dead-letter set with its reason:
 * a rejected record with the processor's own, anything else with `finalFailure`'s (retries
 * exhausted on a transient error, stalled too often, a payload the catalog refuses).
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@sync/logging';
import {
  JobName,
  QueueName,
  TransformRecordJob,
  assertHandlers,
  defineProcessor,
  finalFailure,
  queueCatalog,
} from '@sync/queues';
import type { DeadLetters, Stats } from '@sync/state';
import type { TransformMetrics } from './metrics.js';
import {
  RecordRejectedError,
  makeProcessRecord,
  type ProcessRecordDeps,
  type ProcessRecordResult,
} from './process-record.js';

export interface TransformWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
}

export interface TransformWorkerDeps extends ProcessRecordDeps {
  deadLetters: DeadLetters;
  stats: Stats;
  metrics: TransformMetrics;
}

export function createTransformWorker(
  deps: TransformWorkerDeps,
  { connection, prefix, concurrency }: TransformWorkerOptions,
  log: Logger,
): Worker {
  const processRecord = makeProcessRecord(deps);
  const handlers = {
    [JobName.transformRecord]: {
      schema: TransformRecordJob,
      handle: async (
        data: TransformRecordJob,
        ctx: { job: { attemptsMade: number }; log: Logger; signal?: AbortSignal },
      ) => {
        const stop = deps.metrics.duration.startTimer();
        try {
          return await processRecord(data, {
            log: ctx.log,
            attemptsMade: ctx.job.attemptsMade,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
        } finally {
          stop();
        }
      },
    },
  };
  assertHandlers(
    QueueName.transform,
    Object.keys(queueCatalog[QueueName.transform].jobs),
    handlers,
  );

  const worker = new Worker(QueueName.transform, defineProcessor(handlers, log), {
    connection,
    prefix,
    concurrency,
    autorun: false,
  });
  worker.on('error', (err) => log.error({ err }, 'transform worker error'));
  worker.on('completed', (_job, result: ProcessRecordResult) => {
    deps.metrics.records.inc({
      outcome: result.outcome,
      reason: result.outcome === 'skipped' ? result.reason : '',
    });
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const rejected = err.cause instanceof RecordRejectedError ? err.cause : undefined;
    if (rejected) {
      deps.metrics.records.inc({ outcome: 'rejected', reason: rejected.reason });
      return;
    }
    const reason = finalFailure(job, err);
    if (!reason) {
      log.warn({ err, jobId: job.id, attempt: job.attemptsMade }, 'transform failed, will retry');
      return;
    }
    deps.metrics.records.inc({ outcome: 'failed', reason });
    const soul = (job.data as { soul?: unknown } | undefined)?.soul;
    if (typeof soul !== 'string' || soul.length === 0) {
      log.error({ err, jobId: job.id, reason }, 'transform failed for good, no soul to park');
      return;
    }
    log.error({ err, jobId: job.id, soul, reason }, 'transform failed for good');
    void deps.deadLetters
      .record({ soul, stage: 'transform', reason, detail: err.message, at: deps.now().getTime() })
      .then(() => deps.stats.count('error', 1, reason))
      .catch((e: unknown) => log.error({ err: e, soul }, 'dead letter not recorded'));
  });
  return worker;
}
