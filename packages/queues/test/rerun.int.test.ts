// Producer#rerun against a real Redis: BullMQ ignores an add whose job id exists, also a failed
// job it keeps for a day; rerun must make the job run again, and must not disturb one that
// still waits.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { serviceUrls } from '../../../test/services.js';
import {
  JobName,
  QueueName,
  connectRedis,
  createProducer,
  createRedisConnection,
  jobIdFor,
} from '../src/index.js';
import { obliterateAll, uniquePrefix } from '../src/testing.js';

const payload = (version: number) => ({
  did: 'did:gun:h:rerun',
  soul: 'h:rerun',
  version,
  sealed: 'sealed',
  bytes: 10,
});

describe('Producer#rerun', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function setup() {
    const prefix = uniquePrefix();
    const connection: Redis = await connectRedis(serviceUrls().redisUrl, 'producer');
    const producer = createProducer(QueueName.index, { connection, prefix });
    const eventsConnection = createRedisConnection(serviceUrls().redisUrl, 'worker');
    const events = new QueueEvents(QueueName.index, { connection: eventsConnection, prefix });
    await events.waitUntilReady();
    closers.push(async () => {
      await events.close();
      eventsConnection.disconnect();
      await producer.close();
      await obliterateAll(connection, prefix);
      connection.disconnect();
    });
    return { prefix, producer, events };
  }

  it('runs a job again whose id belongs to a failed job, and keeps one that still waits', async () => {
    const { prefix, producer, events } = await setup();
    const runs: number[] = [];
    const workerConnection = createRedisConnection(serviceUrls().redisUrl, 'worker');
    const worker = new Worker(
      QueueName.index,
      async (job) => {
        runs.push(job.attemptsMade);
        if (runs.length === 1) throw new UnrecoverableError('first run fails');
        return 'ok';
      },
      { connection: workerConnection, prefix, autorun: false },
    );
    closers.push(async () => {
      await worker.close();
      workerConnection.disconnect();
    });
    const jobId = jobIdFor('index', 'h:rerun', 1);

    const first = await producer.rerun(JobName.indexDocument, payload(1), { jobId });
    expect(first).toEqual({ id: jobId, added: true });
    // Still waiting: a second rerun is the same work and leaves the job alone.
    expect(await producer.rerun(JobName.indexDocument, payload(1), { jobId })).toEqual({
      id: jobId,
      added: false,
    });
    void worker.run();
    const job = await producer.queue.getJob(jobId);
    await expect(job?.waitUntilFinished(events, 10_000)).rejects.toThrow('first run fails');
    expect(await producer.queue.getJobState(jobId)).toBe('failed');

    // A plain add is swallowed by the failed job; rerun replaces it and it runs.
    await producer.add(JobName.indexDocument, payload(1), { jobId });
    expect(await producer.queue.getJobState(jobId)).toBe('failed');
    // Listened for before the rerun: a completed index job is removed at once, so it may be
    // gone before anyone could look it up.
    const completed = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the rerun job did not complete')), 10_000);
      events.on('completed', ({ jobId: id, returnvalue }) => {
        if (id !== jobId) return;
        clearTimeout(timer);
        resolve(String(returnvalue));
      });
    });
    expect(await producer.rerun(JobName.indexDocument, payload(1), { jobId })).toEqual({
      id: jobId,
      added: true,
    });
    expect(await completed).toBe('ok');
    expect(runs).toEqual([0, 0]);
  });

  it('validates the payload before it touches a job', async () => {
    const { producer } = await setup();
    const jobId = jobIdFor('index', 'h:rerun', 2);
    await expect(
      producer.rerun(JobName.indexDocument, { ...payload(2), version: -1 }, { jobId }),
    ).rejects.toThrow();
    expect(await producer.queue.getJobState(jobId)).toBe('unknown');
  });

  it('the reruns of one turn share one EXISTS pipeline and one addBulk, each job with its options', async () => {
    // A transform pool reruns an index job per record: each used to send its own EXISTS and add.
    const { producer } = await setup();
    const { connection } = producer.queue.opts as { connection: Redis };
    const waiting = jobIdFor('index', 'h:rerun', 99);
    await producer.rerun(JobName.indexDocument, payload(99), { jobId: waiting });
    const spies = {
      exists: vi.spyOn(connection, 'exists'),
      pipeline: vi.spyOn(connection, 'pipeline'),
      multi: vi.spyOn(connection, 'multi'),
      add: vi.spyOn(producer.queue, 'add'),
      addBulk: vi.spyOn(producer.queue, 'addBulk'),
    };
    const versions = Array.from({ length: 30 }, (_, i) => i + 1);
    const results = await Promise.all([
      ...versions.map((v) =>
        producer.rerun(JobName.indexDocument, payload(v), {
          jobId: jobIdFor('index', 'h:rerun', v),
        }),
      ),
      producer.rerun(JobName.indexDocument, payload(99), { jobId: waiting }),
    ]);
    expect(results).toEqual([
      ...versions.map((v) => ({ id: jobIdFor('index', 'h:rerun', v), added: true })),
      { id: waiting, added: false },
    ]);
    expect({
      exists: spies.exists.mock.calls.length,
      pipeline: spies.pipeline.mock.calls.length,
      multi: spies.multi.mock.calls.length,
      add: spies.add.mock.calls.length,
      addBulk: spies.addBulk.mock.calls.length,
    }).toEqual({ exists: 0, pipeline: 2, multi: 0, add: 0, addBulk: 1 }); // EXISTS, addBulk's own
    const job = await producer.queue.getJob(jobIdFor('index', 'h:rerun', 7));
    expect(job?.data).toMatchObject({ version: 7 });
    // The queue's default options (attempts, backoff) apply as they do to add.
    expect(job?.opts.attempts).toBe(producer.queue.defaultJobOptions.attempts);
    expect(job?.opts.attempts).toBeGreaterThan(1);
  });
});
