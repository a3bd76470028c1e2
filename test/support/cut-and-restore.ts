/**
 * What the fault tests share: the published pair and the backfill run around each test, the
 * cut-and-restore sequence, and the exact comparison of the index with the published set at
 * the end. Each test states only what differs: what it cuts, for how long, how it observes the
 * outage, and its own assertions.
 */
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import { serviceUrls } from '../services.js';
import {
  createBackfillRun,
  startPublishedPair,
  type BackfillRun,
  type BackfillRunOptions,
} from './backfill-run.js';
import { hostPort, startTcpProxy } from './tcp-proxy.js';

export type PublishedPair = Awaited<ReturnType<typeof startPublishedPair>>;

/** What a fault test takes away from the pipeline and brings back. */
export interface Cut {
  /** Names it in the log lines. */
  name: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
}

export interface FaultSetup {
  /** Over the defaults: the shared Redis and Elasticsearch, relay B, `pipelineEnv` (merged). */
  options?: Partial<BackfillRunOptions>;
  /** What `cutAndRestore` takes away; none for a test that makes its own fault. */
  cut?: Cut;
  /** Frees what the setup started; runs after the run is closed, before the pair. */
  close?(): Promise<void>;
}

export interface FaultRun {
  /** Available once beforeAll has run. */
  readonly published: PublishedPair;
  readonly run: BackfillRun;
  readonly cut: Cut | undefined;
}

/**
 * Small batches and few workers keep the run long enough to be interrupted. Full scans run on
 * the product's own schedule, often: no fault test queues a scan, so whatever was lost in a
 * fault is found again only because the pipeline recovers by itself.
 */
const pipelineEnv: Record<string, string> = {
  TRANSFORM_CONCURRENCY: '2',
  INDEXER_BATCH_MAX_DOCS: '8',
  INDEXER_FLUSH_MS: '20',
  GUN_SYNC_INTERVAL: process.env.FAULT_SCAN_INTERVAL_MS ?? '5000',
};

/** The fixture's values exist only inside the tests, after beforeAll. */
function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is set up in beforeAll`);
  return value;
}

/**
 * Registers the beforeAll and afterAll of a fault test: `total` records published on a relay
 * pair, `setup` (given the pair) for what the test will cut, and a backfill run; afterwards the
 * run, what the setup started and the pair are closed in that order, each if it was started.
 */
export function useFaultRun(
  total: number,
  setup: (published: PublishedPair) => Promise<FaultSetup> = () => Promise.resolve({}),
): FaultRun {
  let published: PublishedPair | undefined;
  let fault: FaultSetup | undefined;
  let run: BackfillRun | undefined;
  beforeAll(async () => {
    published = await startPublishedPair(total);
    fault = await setup(published);
    const urls = serviceUrls();
    const { env, ...options } = fault.options ?? {};
    run = await createBackfillRun({
      redisUrl: urls.redisUrl,
      elasticsearchUrl: urls.elasticsearchUrl,
      gunPeers: published.pair.b.url,
      ...options,
      env: { ...pipelineEnv, ...env },
    });
  }, 300_000);
  afterAll(async () => {
    await run?.close();
    await fault?.close?.();
    await published?.close();
  });
  return {
    get published() {
      return ready(published, 'the published pair');
    },
    get run() {
      return ready(run, 'the backfill run');
    },
    get cut() {
      return fault?.cut;
    },
  };
}

/**
 * `useFaultRun` for a service the pipeline reaches through a TCP proxy (test/support/tcp-proxy.ts):
 * cutting the proxy takes the service away from the pipeline only, never from the shared
 * instance or the test's own clients. `upstream` is what the proxy fronts, `options` wires the
 * proxy's URL into the run.
 */
export function useProxiedFaultRun(
  total: number,
  name: string,
  proxied: {
    upstream(published: PublishedPair): string;
    options(proxyUrl: string): Partial<BackfillRunOptions>;
  },
): FaultRun {
  return useFaultRun(total, async (published) => {
    const proxy = await startTcpProxy(hostPort(proxied.upstream(published)));
    return {
      options: proxied.options(proxy.url),
      cut: { name, cut: () => proxy.cut(), restore: () => proxy.restore() },
      close: () => proxy.close(),
    };
  });
}

/** Shown of each kind of difference; the counts are always complete. */
const shownDifferences = 5;

/**
 * Each published record indexed exactly once, with its version (Elasticsearch's external
 * `_version` and `oip.sync.version`) and its content (the published data, private records
 * decrypted), and nothing else: the end state every fault test checks, whatever the fault was.
 */
export async function expectExactlyPublished(fault: FaultRun, total: number): Promise<void> {
  const expected = fault.published.documents;
  const documents = await fault.run.documents();
  const differences: Record<string, string[]> = {
    missing: [],
    unexpected: [],
    duplicated: [],
    version: [],
    content: [],
  };
  const note = (kind: string, line: string) => differences[kind]?.push(line);
  const seen = new Set<string>();
  for (const doc of documents) {
    const want = expected.get(doc.id);
    if (seen.has(doc.id)) note('duplicated', doc.id);
    seen.add(doc.id);
    if (!want) {
      note('unexpected', doc.id);
      continue;
    }
    const { data, oip } = doc.source;
    if (doc.version !== want.version || oip?.sync?.version !== want.version)
      note(
        'version',
        `${doc.id}: _version ${doc.version}, oip.sync.version ${String(oip?.sync?.version)}, want ${want.version}`,
      );
    if (
      oip?.did !== doc.id ||
      (oip.wasEncrypted === true) !== want.wasEncrypted ||
      !isDeepStrictEqual(data, want.data)
    )
      note('content', `${doc.id}: data or oip differ from the published record`);
  }
  for (const did of expected.keys()) if (!seen.has(did)) note('missing', did);
  const counts = Object.fromEntries(Object.entries(differences).map(([k, v]) => [k, v.length]));
  const shown = Object.fromEntries(
    Object.entries(differences)
      .filter(([, v]) => v.length > 0)
      .map(([k, v]) => [k, v.slice(0, shownDifferences)]),
  );
  expect({ counts, shown }).toEqual({
    counts: { missing: 0, unexpected: 0, duplicated: 0, version: 0, content: 0 },
    shown: {},
  });
  expect(documents).toHaveLength(total);
  expect(expected.size).toBe(total);
}

export interface Outage {
  /** Share of the records indexed when the service is cut. */
  cutAt: number;
  /**
   * How long it stays away (> 0). The fault must be felt: from the middle of the outage to its
   * end not one more document becomes searchable (what was in flight at the cut has landed by
   * the middle).
   */
  outageMs: number;
  /** Runs after the restore, before waiting for completeness; `atCut` is the count at the cut. */
  afterRestore?(atCut: number): Promise<void>;
}

/**
 * Starts the pipeline (its schedule scans the registry), cuts what `fault` set up to cut once `cutAt` of
 * `total` records are indexed, checks that the outage stops all progress, restores the service
 * after `outageMs` and checks that the index ends as exactly the published set (versions and
 * content) with every worker still running (a fault must not crash one). Nothing helps the
 * pipeline recover unless the test's own `afterRestore` does.
 */
export async function cutAndRestore(fault: FaultRun, total: number, outage: Outage): Promise<void> {
  const { run } = fault;
  const cut = ready(fault.cut, 'what the test cuts');
  // Discovery's schedule runs the first full scan as soon as it starts.
  const { discovery, transform, indexer } = await run.startPipeline();
  await run.waitForCount(Math.floor(total * outage.cutAt), 180_000);
  await cut.cut();
  const atCut = await run.count();
  process.stdout.write(`[faults] ${cut.name} cut at ${atCut}/${total} for ${outage.outageMs} ms\n`);
  await new Promise((resolve) => setTimeout(resolve, outage.outageMs / 2));
  const atMiddle = await run.count();
  await new Promise((resolve) => setTimeout(resolve, outage.outageMs / 2));
  const atEnd = await run.count();
  process.stdout.write(
    `[faults] while cut: ${atMiddle} at mid-outage, ${atEnd} at its end (of ${total})\n`,
  );
  // The fault was felt: the pipeline made no progress without the service.
  expect(atEnd).toBe(atMiddle);
  expect(atEnd).toBeLessThan(total);
  await cut.restore();
  const restored = Date.now();
  await outage.afterRestore?.(atCut);
  await run.waitForCount(total, 300_000);
  process.stdout.write(
    `[faults] complete ${Date.now() - restored} ms after ${cut.name} came back\n`,
  );
  await expectExactlyPublished(fault, total);
  for (const p of [discovery, transform, indexer]) expect(p.child.exitCode).toBeNull();
}
