/**
 * The BullMQ Worker on sync.index. Concurrency is high (64 by default) because a job costs
 * almost nothing while it waits for its batch: the slots are what fills a `_bulk` request.
 * The `limiter` is a ceiling no real load reaches; it is there because BullMQ only honours a
 * manual rate limit (Queue#rateLimit, set while Elasticsearch is down) for workers that have
 * one, and then every replica of the queue pauses, not just this process.
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Logger } from '@sync/logging';
import {
  DeleteDocumentJob,
  IndexDocumentJob,
  JobName,
  QueueName,
  assertHandlers,
  defineProcessor,
  finalFailure,
  queueCatalog,
  type Handler,
} from '@sync/queues';
import { makeDeleteDocument } from './delete-document.js';
import { makeIndexDocument } from './index-document.js';
import {
  DeadLetteredError,
  deadLetter,
  type IndexJobResult,
  type JobDeps,
  type DeadLetterTarget,
} from './settle.js';

export interface IndexerWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
}

/** What a failed job was about, read leniently: its payload may be the reason it failed. */
function targetOf(name: string, data: unknown): DeadLetterTarget | undefined {
  const { soul, did, version } = (data ?? {}) as {
    soul?: unknown;
    did?: unknown;
    version?: unknown;
  };
  if (typeof soul !== 'string' || soul.length === 0) return undefined;
  return {
    action: name === JobName.deleteDocument ? 'delete' : 'index',
    soul,
    did: typeof did === 'string' ? did : `did:gun:${soul}`,
    ...(typeof version === 'number' && Number.isSafeInteger(version) && version >= 0
      ? { version }
      : {}),
  };
}

/** A ceiling on jobs per second that only exists to enable the manual rate limit. */
export const LIMITER = { max: 1_000_000, duration: 1_000 } as const;

type AnyHandler = { schema: z.ZodType; handle: Handler<z.ZodType, IndexJobResult> };

/** Pairs a schema with its handler; defineProcessor parses the payload with that schema first. */
function handler<S extends z.ZodType>(schema: S, handle: Handler<S, IndexJobResult>): AnyHandler {
  return { schema, handle: (data, ctx) => handle(data as z.output<S>, ctx) };
}

export function createIndexerWorker(
  deps: JobDeps,
  { connection, prefix, concurrency }: IndexerWorkerOptions,
  log: Logger,
): Worker {
  const handlers = {
    [JobName.indexDocument]: handler(IndexDocumentJob, makeIndexDocument(deps)),
    [JobName.deleteDocument]: handler(DeleteDocumentJob, makeDeleteDocument(deps)),
  };
  assertHandlers(QueueName.index, Object.keys(queueCatalog[QueueName.index].jobs), handlers);

  const worker = new Worker(QueueName.index, defineProcessor(handlers, log), {
    connection,
    prefix,
    concurrency,
    autorun: false,
    limiter: LIMITER,
    // A worker sleeps through a queue pause in process; re-checking every second lets a pause
    // lifted early (Elasticsearch answers again, any replica) take effect within a second.
    maximumRateLimitDelay: 1_000,
  });
  worker.on('error', (err) => log.error({ err }, 'index worker error'));
  worker.on('failed', (job, err) => {
    if (err instanceof DeadLetteredError) {
      log.error({ err, jobId: job?.id, job: job?.name }, 'index job failed permanently');
      return;
    }
    if (!job) return;
    const reason = finalFailure(job, err);
    if (!reason) {
      log.warn(
        { err, jobId: job.id, job: job.name, attemptsMade: job.attemptsMade },
        'index job failed, will retry',
      );
      return;
    }
    const target = targetOf(job.name, job.data);
    if (!target) {
      deps.metrics.documents.inc({ outcome: 'failed' });
      log.error({ err, jobId: job.id, job: job.name, reason }, 'index job failed, no soul to park');
      return;
    }
    void deadLetter(
      deps,
      target,
      reason,
      err.message,
      'failed',
      log.child({ jobId: job.id }),
    ).catch((e: unknown) => log.error({ err: e, jobId: job.id }, 'dead letter not recorded'));
  });
  return worker;
}
