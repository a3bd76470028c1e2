/**
 * The pipeline at its default settings against a deliberately slow relay (issue 18): every
 * answer of relay B comes 10 × later than a relay's usual ~30 ms and at most 4 requests are
 * worked on at a time, as on a relay whose CPU is saturated. Transform's default is 256 reads in
 * flight per peer; had they all been sent, each would queue 256 / 4 × 300 ms ≈ 19 s at the relay,
 * past the 10 s read timeout, and every timed-out read is retried into the same queue. Reads in
 * flight adapt instead (adaptive-limiter.ts): every record is indexed with the published content,
 * no read fails, nothing is dead-lettered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadLetters } from '@sync/state';
import { serviceUrls } from '../services.js';
import {
  createBackfillRun,
  startPublishedPair,
  type BackfillRun,
} from '../support/backfill-run.js';
import { probePort } from '../support/processes.js';
import { startSlowRelay, type SlowRelay } from '../support/slow-relay.js';

const total = 120;

/** `sync_gun_reads_total` of a service by result, from its /metrics. */
async function readsByResult(port: number | undefined): Promise<Record<string, number>> {
  if (port === undefined) throw new Error('the service did not log its probe port');
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^sync_gun_reads_total\{[^}]*result="([^"]+)"[^}]*\} (\d+)/gm))
    out[m[1] as string] = (out[m[1] as string] ?? 0) + Number(m[2]);
  return out;
}

describe('backfill from a slow relay at default settings', () => {
  let published: Awaited<ReturnType<typeof startPublishedPair>>;
  let slow: SlowRelay;
  let run: BackfillRun;

  beforeAll(async () => {
    published = await startPublishedPair(total);
    slow = await startSlowRelay(published.pair.b.url, { delayMs: 300, capacity: 4 });
    const urls = serviceUrls();
    // Nothing but what a test must set: the node's queue prefix, index and relay.
    run = await createBackfillRun({
      redisUrl: urls.redisUrl,
      elasticsearchUrl: urls.elasticsearchUrl,
      gunPeers: slow.url,
    });
  }, 300_000);

  afterAll(async () => {
    await run?.close();
    await slow?.close();
    await published?.close();
  });

  it('indexes every record with no failed read and no dead letter', async () => {
    const { transform } = await run.startPipeline();
    await run.discover();
    await run.waitForCount(total, 420_000);

    const documents = await run.documents();
    expect(documents).toHaveLength(total);
    for (const doc of documents) {
      const want = published.documents.get(doc.id);
      expect(want, doc.id).toBeDefined();
      expect(doc.version).toBe(want?.version);
      expect(doc.source.data).toEqual(want?.data);
    }
    expect(await createDeadLetters(run.redis, run.prefix).countByReason()).toEqual({});
    const reads = await readsByResult(probePort(transform.output()));
    expect(reads.error ?? 0).toBe(0);
    expect(reads.found ?? 0).toBeGreaterThanOrEqual(total);
    const { served, maxQueued } = slow.stats();
    process.stdout.write(
      `[slow-relay] ${total} records; the slow relay served ${served} requests, at most ${maxQueued} queued; transform reads ${JSON.stringify(reads)}\n`,
    );
  }, 600_000);
});
