/**
 * Fault: Elasticsearch goes away mid-backfill (the pipeline reaches it through a TCP proxy that
 * stops listening and drops its connections, so the shared instance stays up) and comes back
 * after FAULT_ES_OUTAGE_MS (CI: 12 s; the full run: 60 s). Indexing retries with backoff;
 * nothing is lost, nothing duplicated.
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
const outageMs = Number(process.env.FAULT_ES_OUTAGE_MS ?? 12_000);

describe(`Elasticsearch stopped ${outageMs / 1000} s during a ${total}-record backfill`, () => {
  let published: Awaited<ReturnType<typeof startPublishedPair>>;
  let run: BackfillRun;
  let proxy: TcpProxy;

  beforeAll(async () => {
    published = await startPublishedPair(total);
    const urls = serviceUrls();
    proxy = await startTcpProxy(hostPort(urls.elasticsearchUrl));
    run = await createBackfillRun({
      redisUrl: urls.redisUrl,
      // The test's own client goes straight to Elasticsearch.
      elasticsearchUrl: urls.elasticsearchUrl,
      gunPeers: published.pair.b.url,
      env: {
        ELASTICSEARCH_URL: proxy.url,
        TRANSFORM_CONCURRENCY: '2',
        INDEXER_BATCH_MAX_DOCS: '8',
        INDEXER_FLUSH_MS: '20',
      },
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
    process.stdout.write(`[faults] Elasticsearch cut at ${atCut}/${total} for ${outageMs} ms\n`);
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    const duringOutage = await run.count();
    expect(duringOutage).toBeLessThan(total);
    await proxy.restore();
    const restored = Date.now();
    await run.waitForCount(total, 300_000);
    process.stdout.write(
      `[faults] complete ${Date.now() - restored} ms after Elasticsearch came back\n`,
    );
    const ids = await run.ids();
    expect(ids).toHaveLength(total);
    expect(new Set(ids)).toEqual(published.expected);
    for (const p of [discovery, transform, indexer]) expect(p.child.exitCode).toBeNull();
  }, 900_000);
});
