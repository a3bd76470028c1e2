/**
 * The relay's stores side by side, radisk and sqlite, in one run and the same way: for each, a
 * relay process (services/gun-relay/src/main.ts, as the container runs it) on a fresh folder is
 * seeded with N OIP records over GUN's wire (as bench:backfill seeds them: 20 records and their
 * registry entries per put), then every node of every record and the registry type index are
 * read back through the relay's HTTP API (`GET /get`, the relay's default read wait), once
 * right after seeding and once after the relay was stopped and started again on its folder.
 * Reports put and get rates, records served complete (every field of every node) and index
 * fields served, the relay's peak RSS in each phase and the size of its folder; writes
 * bench/results/relay-store-<N>.json. Also the relay's event-loop delay while seeding (its
 * /metrics: prom-client's event-loop lag, reset at each scrape, scraped before and after).
 * `--radisk-records` seeds radisk with fewer records than the other stores in the same run
 * (radisk at 100,000 takes hours on a loaded 2-core machine); each run records its own size.
 *
 *   pnpm bench:relay-store [--records 10000] [--radisk-records N] [--concurrency 32]
 *     [--stores radisk,sqlite]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { GunNode } from '@sync/gun-client';
import { mapLimited } from '@sync/gun-client/gun';
import { startRelayProcess, type RelayProcess } from '../services/gun-relay/test/support.js';
import { toGunGraph } from '../services/gun-relay/src/to-gun-graph.js';
import { benchRecord, createPublisher } from '../test/support/oip-publisher.js';
import { serviceNodeOptions } from '../test/support/processes.js';
import { seedRecords } from '../test/support/seed-records.js';
import {
  describeMachine,
  endLoad,
  localServices,
  peakRssMiB,
  rate,
  saveResult,
} from './support/common.js';
import type { RelayStorePass, RelayStoreRun } from './support/results.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    stores: { type: 'string', default: 'radisk,sqlite' },
    'radisk-records': { type: 'string' },
  },
});
const records = Number(values.records);
const radiskRecords = Math.min(records, Number(values['radisk-records'] ?? records));
const concurrency = Number(values.concurrency);
const stores = values.stores.split(',') as ('radisk' | 'sqlite')[];
const radiskHeap = '--max-old-space-size=4096';
const say = (line: string) => process.stdout.write(`${line}\n`);
const indexSoul = 'oip:registry:index:post';

/** Every node of every record, with the fields it must have (nulls are not served). */
const publisher = createPublisher();
const expected: { soul: string; keys: string[] }[][] = [];
for (let n = 0; n < records; n++) {
  const put = benchRecord(publisher, n);
  expected.push(
    Object.entries(toGunGraph(put.soul, put.data)).map(([soul, node]) => ({
      soul,
      keys: Object.keys(node).filter((key) => node[key] !== null),
    })),
  );
}

async function getNode(url: string, soul: string): Promise<GunNode | null> {
  const res = await fetch(`${url}/get?soul=${encodeURIComponent(soul)}`);
  if (res.status !== 200) {
    await res.text();
    return null;
  }
  return ((await res.json()) as { data: GunNode }).data;
}

/**
 * The relay's event-loop delay since its previous scrape (prom-client resets it at each) and,
 * with sqlite, its commits so far: how many, fields per commit, time per commit.
 */
async function seedMetrics(
  url: string,
): Promise<Pick<RelayStoreRun, 'seedEventLoopLag' | 'seedCommits'>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const ms = (seconds: number) => Math.round(seconds * 10_000) / 10;
  const commits = value('sync_relay_store_commits');
  return {
    seedEventLoopLag: {
      maxMs: ms(value('nodejs_eventloop_lag_max_seconds')),
      p99Ms: ms(value('nodejs_eventloop_lag_p99_seconds')),
    },
    ...(commits > 0
      ? {
          seedCommits: {
            commits,
            fieldsPerCommit: Math.round(value('sync_relay_store_committed_fields') / commits),
            meanMs: ms(value('sync_relay_store_commit_seconds') / commits),
            maxMs: ms(value('sync_relay_store_commit_max_seconds')),
          },
        }
      : {}),
  };
}

/** V8 heap in use now (prom-client's gauge, read at the scrape), garbage included. */
async function heapUsedMiB(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const bytes = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
  return Math.round(bytes / 1024 / 102.4) / 10;
}

async function readBack(relay: RelayProcess, count: number): Promise<RelayStorePass> {
  const started = Date.now();
  let nodes = 0;
  const outcome = await mapLimited(expected.slice(0, count), concurrency, async (recordNodes) => {
    let missingNodes = 0;
    let incompleteNodes = 0;
    for (const { soul, keys } of recordNodes) {
      const node = await getNode(relay.url, soul);
      nodes += 1;
      if (!node) missingNodes += 1;
      else if (keys.some((key) => !(key in node))) incompleteNodes += 1;
    }
    if (missingNodes === recordNodes.length) return 'missing';
    return missingNodes + incompleteNodes > 0 ? 'incomplete' : 'complete';
  });
  const readMs = Date.now() - started;
  const indexRes = await fetch(`${relay.url}/get?soul=${encodeURIComponent(indexSoul)}`);
  const indexBody = (await indexRes.json()) as { data?: GunNode; code?: string; error?: string };
  const index = indexRes.status === 200 ? (indexBody.data ?? null) : null;
  return {
    complete: outcome.filter((o) => o === 'complete').length,
    incomplete: outcome.filter((o) => o === 'incomplete').length,
    missing: outcome.filter((o) => o === 'missing').length,
    indexFields: index ? Object.keys(index).length : 0,
    ...(indexRes.status === 200
      ? {}
      : { indexError: `${indexRes.status} ${indexBody.code ?? indexBody.error ?? ''}`.trim() }),
    nodesRead: nodes,
    readMs,
    getsPerSecond: rate(nodes, readMs),
    peakRssMiB: peakRssMiB(relay.child.pid) ?? 0,
    heapUsedMiB: await heapUsedMiB(relay.url),
  };
}

async function stop(relay: RelayProcess): Promise<void> {
  relay.child.kill('SIGTERM');
  await relay.exited;
}

async function runStore(store: 'radisk' | 'sqlite', count: number): Promise<RelayStoreRun> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-relay-store-${store}-`));
  // radisk keeps every node in GUN's graph: it runs with the heap it needs (recorded), not the
  // relay's default cap, which is sized for the sqlite store.
  const heap = store === 'radisk' ? radiskHeap : undefined;
  const nodeOptions = [process.env.NODE_OPTIONS, heap].filter(Boolean).join(' ') || undefined;
  const env = {
    GUN_RELAY_STORE: store,
    GUN_RELAY_DATA_DIR: dataDir,
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
  };
  const started: RelayProcess[] = [];
  const start = async () => {
    const relay = await startRelayProcess(env);
    started.push(relay);
    return relay;
  };
  try {
    const first = await start();
    await seedMetrics(first.url);
    const s0 = Date.now();
    const seeded = await seedRecords(first.url, publisher, count, {
      onProgress: (done) => {
        if (done % 2000 === 0)
          say(`[relay-store] ${store}: ${done} seeded (${rate(done, Date.now() - s0)}/s)`);
      },
    });
    const seedMs = Date.now() - s0;
    const seedPeakRssMiB = peakRssMiB(first.child.pid) ?? 0;
    const seedLoad = await seedMetrics(first.url);
    const afterSeeding = await readBack(first, count);
    say(
      `[relay-store] ${store}: seeded in ${seedMs} ms (${JSON.stringify(seedLoad)}); read back ${JSON.stringify(afterSeeding)}`,
    );
    await stop(first);
    const diskMiB =
      Number(execFileSync('du', ['-sk', dataDir], { encoding: 'utf8' }).split('\t')[0]) / 1024;

    const second = await start();
    const afterRestart = await readBack(second, count);
    say(`[relay-store] ${store}: after restart ${JSON.stringify(afterRestart)}`);
    await stop(second);
    return {
      store,
      records: count,
      seedMs,
      putsPerSecond: rate(count, seedMs),
      unacknowledgedBatches: seeded.unacknowledged,
      seedPeakRssMiB,
      nodeOptions: serviceNodeOptions('gun-relay', nodeOptions) ?? null,
      ...seedLoad,
      afterSeeding,
      afterRestart,
      diskMiB: Math.round(diskMiB * 10) / 10,
    };
  } finally {
    for (const relay of started) relay.child.kill('SIGKILL'); // a no-op for those already stopped
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const machine = await describeMachine(localServices());
const sizeOf = (store: 'radisk' | 'sqlite') => (store === 'radisk' ? radiskRecords : records);
say(
  `[relay-store] ${concurrency} reads in flight, stores ${stores.map((s) => `${s} (${sizeOf(s)} records)`).join(', ')}`,
);
const command = `pnpm bench:relay-store --records ${records}${radiskRecords < records && stores.includes('radisk') ? ` --radisk-records ${radiskRecords}` : ''} --concurrency ${concurrency}`;
const runs: RelayStoreRun[] = [];
let file = '';
// Saved after each store, so a run stopped during a later (slower) store keeps the stores it
// finished; `stores` names what the run set out to measure.
for (const store of stores) {
  runs.push(await runStore(store, sizeOf(store)));
  file = await saveResult(`relay-store-${records}`, {
    records,
    concurrency,
    stores,
    runs,
    machine: endLoad(machine),
    command,
  });
}
say(`[relay-store] wrote ${file}`);
process.exit(0);
