/**
 * What the fault tests share: the published pair and the backfill run around each test, the
 * cut-and-restore sequence, and the exact comparison of the index with the published set at
 * the end. Each test states only what differs: what it cuts, for how long, how it observes the
 * outage, and its own assertions.
 */
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

/** Small batches and few workers keep the run long enough to be interrupted. */
const pipelineEnv: Record<string, string> = {
  TRANSFORM_CONCURRENCY: '2',
  INDEXER_BATCH_MAX_DOCS: '8',
  INDEXER_FLUSH_MS: '20',
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

/**
 * Each published record indexed exactly once and nothing else: the end state every fault test
 * checks, whatever the fault was.
 */
export async function expectExactlyPublished(fault: FaultRun, total: number): Promise<void> {
  const ids = await fault.run.ids();
  expect(ids).toHaveLength(total);
  expect(new Set(ids)).toEqual(fault.published.expected);
}

export interface Outage {
  /** Share of the records indexed when the service is cut. */
  cutAt: number;
  /** How long it stays away; 0 brings it back at once (a restart). */
  outageMs: number;
  /** Runs at the end of the outage, before the restore; `atCut` is the count at the cut. */
  whileCut?(atCut: number): Promise<void>;
  /** Runs after the restore, before waiting for completeness (e.g. the next scheduled scan). */
  afterRestore?(atCut: number): Promise<void>;
}

/**
 * Starts the pipeline, queues a full scan, cuts what `fault` set up to cut once `cutAt` of
 * `total` records are indexed, restores it after `outageMs`, and checks that the index ends as
 * exactly the published set with every worker still running (a fault must not crash one).
 */
export async function cutAndRestore(fault: FaultRun, total: number, outage: Outage): Promise<void> {
  const { run } = fault;
  const cut = ready(fault.cut, 'what the test cuts');
  const { discovery, transform, indexer } = await run.startPipeline();
  await run.discover();
  await run.waitForCount(Math.floor(total * outage.cutAt), 180_000);
  await cut.cut();
  const atCut = await run.count();
  process.stdout.write(`[faults] ${cut.name} cut at ${atCut}/${total} for ${outage.outageMs} ms\n`);
  await new Promise((resolve) => setTimeout(resolve, outage.outageMs));
  await outage.whileCut?.(atCut);
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
