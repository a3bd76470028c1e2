/**
 * The status page in headless Chromium during an end-to-end run: records published on relay A
 * (as OIP does), a gun-sync node reading relay B (peered) runs the whole pipeline, and the page
 * served by its API shows them flowing. Once every record is indexed, each figure the page shows
 * must equal the API's JSON (/api/status). Screenshots: artifacts/screenshots/status-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshots } from '../../services/api/test/browser.js';
import { serviceUrls } from '../services.js';
import { startPublishedPair } from '../support/backfill-run.js';
import { startTestNode, waitFor, type TestNode } from '../support/node.js';

const total = 150;

type Browser = Awaited<ReturnType<typeof launchChromium>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;

interface StatusJson {
  report: {
    nodeId: string;
    status: string;
    backlog: number;
    metrics: {
      totalDiscovered: number;
      totalSynced: number;
      totalErrors: number;
      syncCycles: number;
    };
    deadLetters: { total: number };
    queues: Record<string, { waiting: number; prioritized: number; active: number }>;
  };
  series: { samples: unknown[] };
  freshness: { samples: number; p50Ms: number | null; p95Ms: number | null; maxMs: number | null };
}

describe('status page during an end-to-end run', () => {
  let published: Awaited<ReturnType<typeof startPublishedPair>>;
  let node: TestNode;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    published = await startPublishedPair(total);
    node = await startTestNode(serviceUrls(), {
      GUN_PEERS: published.pair.b.url,
      // Few workers and small batches: the run lasts long enough to be watched.
      TRANSFORM_CONCURRENCY: '2',
      INDEXER_BATCH_MAX_DOCS: '8',
      INDEXER_FLUSH_MS: '20',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await node?.close();
    await published?.close();
  });

  const figure = async (name: string) =>
    (await page.locator(`[data-figure="${name}"]`).first().textContent())?.trim() ?? '';
  const number = async (name: string) => Number(await figure(name));
  const api = async () =>
    (await page.request.get(`${node.node.apiUrl}/api/status`)).json() as Promise<StatusJson>;

  it('shows records flowing, then exactly the figures of the API JSON', async () => {
    const response = await page.goto(`${node.node.apiUrl}/status?every=250`);
    expect(response?.status()).toBe(200);
    await page.locator('[data-figure="status"]:not(:text("loading"))').waitFor({ timeout: 15_000 });

    await node.discover();
    await waitFor(
      'the page to show records synced',
      async () => (await number('synced')) > 0,
      120_000,
    );
    await page.screenshot({ path: `${screenshots}status-flowing.png`, fullPage: true });

    await waitFor(
      `${total} documents indexed`,
      async () => (await node.count()) >= total,
      180_000,
      250,
    );
    const done = await waitFor(
      'the page to show what the API answers',
      async () => {
        const json = await api();
        const { report } = json;
        const pending = (q: string) => {
          const s = report.queues[q];
          return s ? s.waiting + s.prioritized : NaN;
        };
        const shown = {
          nodeId: await figure('nodeId'),
          synced: await number('synced'),
          discovered: await number('discovered'),
          errors: await number('errors'),
          backlog: await number('backlog'),
          deadLetters: await number('deadLetters'),
          transformWaiting: await number('queue:sync.transform:waiting'),
          indexWaiting: await number('queue:sync.index:waiting'),
          samples: await number('samples'),
          freshnessSamples: await number('freshnessSamples'),
          freshnessP50: await number('freshnessP50'),
          freshnessP95: await number('freshnessP95'),
          freshnessMax: await number('freshnessMax'),
        };
        const expected = {
          nodeId: report.nodeId,
          synced: report.metrics.totalSynced,
          discovered: report.metrics.totalDiscovered,
          errors: report.metrics.totalErrors,
          backlog: report.backlog,
          deadLetters: report.deadLetters.total,
          transformWaiting: pending('sync.transform'),
          indexWaiting: pending('sync.index'),
          samples: json.series.samples.length,
          freshnessSamples: json.freshness.samples,
          freshnessP50: json.freshness.p50Ms,
          freshnessP95: json.freshness.p95Ms,
          freshnessMax: json.freshness.maxMs,
        };
        return JSON.stringify(shown) === JSON.stringify(expected) && expected.synced === total
          ? { ...shown, cycles: report.metrics.syncCycles }
          : undefined;
      },
      60_000,
      250,
    );
    // Each full scan lists every entry again (OIP's per-cycle count): the node's own scheduled
    // scan and the one this test asked for may both have run.
    expect(done.cycles).toBeGreaterThanOrEqual(1);
    expect(done).toMatchObject({
      synced: total,
      discovered: total * done.cycles,
      errors: 0,
      backlog: 0,
    });
    expect(done.samples).toBeGreaterThanOrEqual(1);
    // Every indexed record's publish → indexed time is kept; the page shows their spread.
    expect(done.freshnessSamples).toBe(total);
    expect(done.freshnessP50).toBeGreaterThan(0);
    expect(done.freshnessP95).toBeGreaterThanOrEqual(done.freshnessP50);
    expect(done.freshnessMax).toBeGreaterThanOrEqual(done.freshnessP95);
    // The chart of synced records has been drawn from the samples.
    expect(await page.locator('#chart-backlog polyline').getAttribute('points')).not.toBe('');
    await page.screenshot({ path: `${screenshots}status.png`, fullPage: true });
  });
});
