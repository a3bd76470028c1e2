/**
 * Fault: the relay the pipeline reads is cut off mid-backfill (a TCP proxy in front of relay B
 * stops listening and drops its connections) and restored after FAULT_RELAY_OUTAGE_MS. Reads
 * fail as unavailable and are retried with backoff; a record that could not be read in time is
 * found again by the scan after the relay is back. Exactly the published set at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrls } from '../services.js';
import {
  createBackfillRun,
  startPublishedPair,
  type BackfillRun,
} from '../support/backfill-run.js';
import { hostPort, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const total = Number(process.env.FAULT_RECORDS ?? 300);
const outageMs = Number(process.env.FAULT_RELAY_OUTAGE_MS ?? 8_000);

describe(`relay cut off ${outageMs / 1000} s during a ${total}-record backfill`, () => {
  let published: Awaited<ReturnType<typeof startPublishedPair>>;
  let run: BackfillRun;
  let proxy: TcpProxy;

  beforeAll(async () => {
    published = await startPublishedPair(total);
    proxy = await startTcpProxy(hostPort(published.pair.b.url));
    const urls = serviceUrls();
    run = await createBackfillRun({
      redisUrl: urls.redisUrl,
      elasticsearchUrl: urls.elasticsearchUrl,
      gunPeers: proxy.url,
      env: { TRANSFORM_CONCURRENCY: '2', INDEXER_BATCH_MAX_DOCS: '8', INDEXER_FLUSH_MS: '20' },
    });
  }, 300_000);

  afterAll(async () => {
    await run?.close();
    await proxy?.close();
    await published?.close();
  });

  it('ends with exactly the published set', async () => {
    const { discovery, transform, indexer } = await run.startPipeline();
    await run.discover();
    await run.waitForCount(Math.floor(total * 0.25), 180_000);
    await proxy.cut();
    const atCut = await run.count();
    process.stdout.write(`[faults] relay cut at ${atCut}/${total} for ${outageMs} ms\n`);
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    expect(await run.count()).toBeLessThan(total);
    await proxy.restore();
    // The next scheduled scan: picks up whatever was dead-lettered or lost while cut off.
    await run.discover();
    const restored = Date.now();
    await run.waitForCount(total, 300_000);
    process.stdout.write(
      `[faults] complete ${Date.now() - restored} ms after the relay came back\n`,
    );
    const ids = await run.ids();
    expect(ids).toHaveLength(total);
    expect(new Set(ids)).toEqual(published.expected);
    for (const p of [discovery, transform, indexer]) expect(p.child.exitCode).toBeNull();
  }, 900_000);
});
