/**
 * Typed producers: the payload is validated against the catalog before it reaches Redis, so a
 * bad job never enters a queue.
 *
 * `add` with a `jobId` is a no-op while a job with that id exists, also a failed one kept for
 * inspection (`removeOnFail`): right for replays, wrong when the work must run again (a retried
 * dead letter, a forced re-sync). `rerun` is for that: it removes a finished job with the id
 * first, and only leaves alone one that is still waiting, delayed or running.
 *
 * A job whose schema has a `trace` field and whose data brings none gets the active span's
 * trace context (the span of the job that enqueues it), so its processing continues that trace.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { coalesce } from '@sync/runtime/coalesce';
import { injectCarrier } from '@sync/tracing';
import { queueCatalog, type QueueCatalog } from './catalog.js';

type JobsOf<Q extends keyof QueueCatalog> = QueueCatalog[Q]['jobs'];
type PayloadOf<Q extends keyof QueueCatalog, N extends keyof JobsOf<Q>> = z.input<
  JobsOf<Q>[N] & z.ZodType
>;

export interface Producer<Q extends keyof QueueCatalog> {
  readonly queue: Queue;
  add<N extends keyof JobsOf<Q> & string>(
    name: N,
    data: PayloadOf<Q, N>,
    opts?: JobsOptions,
  ): Promise<{ id: string }>;
  /**
   * Adds the job so that it really runs: a finished (failed or completed) job with the same id
   * is removed first. A job with that id still waiting, delayed or running is kept, since it
   * does the same work; `added` is false then.
   */
  rerun<N extends keyof JobsOf<Q> & string>(
    name: N,
    data: PayloadOf<Q, N>,
    opts: JobsOptions & { jobId: string },
  ): Promise<{ id: string; added: boolean }>;
  addBulk<N extends keyof JobsOf<Q> & string>(
    jobs: { name: N; data: PayloadOf<Q, N>; opts?: JobsOptions }[],
  ): Promise<{ id: string }[]>;
  close(): Promise<void>;
}

export interface ProducerOptions {
  connection: Redis;
  prefix: string;
}

function validate<Q extends keyof QueueCatalog>(queue: Q, name: string, data: unknown): unknown {
  const schema = (queueCatalog[queue].jobs as Record<string, z.ZodType>)[name];
  if (!schema) throw new Error(`queue ${queue} has no job named ${name}`);
  return schema.parse(withTrace(data));
}

function withTrace(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || 'trace' in data) return data;
  const trace = injectCarrier();
  return trace ? { ...data, trace } : data;
}

export function createProducer<Q extends keyof QueueCatalog>(
  queueName: Q,
  { connection, prefix }: ProducerOptions,
): Producer<Q> {
  const queue = new Queue(queueName, {
    connection,
    prefix,
    defaultJobOptions: queueCatalog[queueName].defaults,
  });
  let closing: Promise<void> | undefined;
  // A transform pool reruns an index job per record: the checks and adds of one turn of the
  // event loop go to Redis as one pipeline of EXISTS and one addBulk (one MULTI).
  const jobExists = coalesce<string, boolean>(async (ids) => {
    const pipeline = connection.pipeline();
    for (const id of ids) pipeline.exists(queue.toKey(id));
    return ((await pipeline.exec()) ?? []).map(([err, n]) => {
      if (err) throw err;
      return n === 1;
    });
  });
  const addOne = coalesce<{ name: string; data: unknown; opts: JobsOptions }, string>(
    async (jobs) =>
      (await queue.addBulk([...jobs])).map((job, i) => job.id ?? jobs[i]?.opts.jobId ?? ''),
  );
  return {
    queue,
    async add(name, data, opts) {
      const job = await queue.add(name, validate(queueName, name, data), opts);
      return { id: job.id ?? '' };
    },
    async rerun(name, data, opts) {
      const valid = validate(queueName, name, data);
      // Most ids were never used: a job's hash exists from its add until it is removed, so
      // without it there is nothing to keep or replace. BullMQ's state lookup, asked only
      // when the hash is there, scans the waiting list (LPOS), thousands long in a backfill.
      if (await jobExists(opts.jobId)) {
        const state = await queue.getJobState(opts.jobId);
        if (state === 'failed' || state === 'completed') await queue.remove(opts.jobId);
        else if (state !== 'unknown') return { id: opts.jobId, added: false };
      }
      return { id: await addOne({ name, data: valid, opts }), added: true };
    },
    async addBulk(jobs) {
      const added = await queue.addBulk(
        jobs.map((j) => ({
          name: j.name,
          data: validate(queueName, j.name, j.data),
          ...(j.opts ? { opts: j.opts } : {}),
        })),
      );
      return added.map((job) => ({ id: job.id ?? '' }));
    },
    close() {
      closing ??= queue.close();
      return closing;
    },
  };
}
