/**
 * Crash recovery (the pipeline issue's acceptance): the transform and indexer processes are
 * SIGKILLed in the middle of a 2,000-record backfill and started again. BullMQ gives the jobs
 * they held back (stalled-job recovery); deterministic ids and external versions make
 * redelivery harmless: the final index is exactly the published set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrls } from '../services.js';
import {
  createBackfillRun,
  startPublishedPair,
  type BackfillRun,
} from '../support/backfill-run.js';

const total = Number(process.env.E2E_CRASH_RECORDS ?? 2000);

describe(`crash recovery over ${total} records`, () => {
  let published: Awaited<ReturnType<typeof startPublishedPair>>;
  let run: BackfillRun;

  beforeAll(async () => {
    const started = Date.now();
    published = await startPublishedPair(total);
    process.stdout.write(`[crash] published ${total} records in ${Date.now() - started} ms\n`);
    const urls = serviceUrls();
    run = await createBackfillRun({
      redisUrl: urls.redisUrl,
      elasticsearchUrl: urls.elasticsearchUrl,
      gunPeers: published.pair.b.url,
      // Small batches and few workers keep the run long enough to be interrupted.
      env: {
        TRANSFORM_CONCURRENCY: '4',
        INDEXER_CONCURRENCY: '16',
        INDEXER_BATCH_MAX_DOCS: '16',
        INDEXER_FLUSH_MS: '20',
      },
    });
  }, 300_000);

  afterAll(async () => {
    await run?.close();
    await published?.close();
  });

  it('ends with exactly the published set after SIGKILL of transform and indexer mid-run', async () => {
    const discovery = await run.startDiscovery();
    let transform = run.start('transform');
    let indexer = run.start('indexer');
    await run.discover();

    await run.waitForCount(Math.floor(total * 0.3), 180_000);
    await Promise.all([transform.kill(), indexer.kill()]);
    const atCrash = await run.count();
    process.stdout.write(
      `[crash] SIGKILLed transform and indexer at ${atCrash}/${total} documents\n`,
    );
    expect(atCrash).toBeLessThan(total);

    const restarted = Date.now();
    transform = run.start('transform');
    indexer = run.start('indexer');
    await run.waitForCount(total, 240_000);
    process.stdout.write(`[crash] complete ${Date.now() - restarted} ms after the restart\n`);

    const ids = await run.ids();
    expect(ids).toHaveLength(total);
    expect(new Set(ids)).toEqual(published.expected);
    for (const p of [discovery, transform, indexer]) expect(await p.stop()).toBe(0);
  }, 600_000);
});
