// Index jobs that fail for good outside the bulk result (BullMQ's stall limit, a payload the
// catalog refuses) are dead-lettered with their reason and counted, against a real Redis.
import { afterEach, describe, expect, it } from 'vitest';
import { JobName, QueueName, jobIdFor } from '@sync/queues';
import { stallNextJob } from '@sync/queues/testing';
import { enqueueIndex, eventually, metricValue, startHarness, type Harness } from './support.js';

describe('indexer: jobs that fail for good outside Elasticsearch', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('dead-letters and counts a job BullMQ failed for stalling', async () => {
    h = await startHarness({}, { run: false });
    const harness = h;
    const soul = 'hash8:index-stalled';
    await enqueueIndex(h, soul, 1_000);
    const jobId = await stallNextJob(h.config.redis.url, QueueName.index, h.prefix);
    void h.indexer.run();

    await eventually(
      async () => (await harness.indexer.deps.deadLetters.get(soul)) !== undefined,
      'the stalled job in the dead-letter set',
    );
    expect(await h.indexer.deps.deadLetters.get(soul)).toMatchObject({
      soul,
      did: `did:gun:${soul}`,
      stage: 'index',
      version: 1_000,
      reason: 'stalled',
    });
    expect(await h.producer.queue.getJobState(jobId)).toBe('failed');
    expect((await h.indexer.deps.stats.snapshot(Date.now())).errorsByReason).toEqual({
      stalled: 1,
    });
    expect(
      await metricValue(h.registry, 'sync_indexer_documents_total', { outcome: 'failed' }),
    ).toBe(1);
  });

  it('dead-letters a payload the catalog refuses, once, under its soul', async () => {
    h = await startHarness();
    const harness = h;
    const soul = 'hash8:bad-payload';
    // A producer validates; a job written by something else (an older release) may not.
    await h.producer.queue.add(
      JobName.indexDocument,
      { did: `did:gun:${soul}`, soul, version: -5 },
      { jobId: jobIdFor('index', soul, 0) },
    );
    await eventually(
      async () => (await harness.indexer.deps.deadLetters.get(soul)) !== undefined,
      'the bad payload in the dead-letter set',
    );
    expect(await h.indexer.deps.deadLetters.get(soul)).toMatchObject({
      soul,
      stage: 'index',
      reason: 'bad-payload',
      attempts: 1,
    });
    expect(await h.indexer.deps.deadLetters.get(soul)).not.toHaveProperty('version');
  });
});
