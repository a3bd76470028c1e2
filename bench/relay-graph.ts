/**
 * How much of a relay's memory is GUN's in-memory graph, and what radisk serves without it.
 * GUN keeps every node a relay has stored or read in `root.graph`, on top of radisk, so a
 * relay's RSS grows with all its data (bench:memory: 3.4 GB at 100,000 records). For each mode,
 * in a child process of its own: a radisk relay is seeded with N OIP records (as
 * bench:backfill seeds them), then every record is read back through the relay's own reads:
 *   keep  — GUN as it is: the graph keeps everything;
 *   evict — the graph is emptied after seeding and every 5,000 reads (what a memory cap on
 *           the relay would do), so every read comes from radisk.
 * Prints RSS and heap after seeding, after the graph is emptied (evict) and after the reads,
 * and how many records each mode served; writes bench/results/relay-graph.json.
 *
 *   pnpm bench:relay-graph [--records 20000] [--concurrency 32]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { closeGun, createServerGun } from '@sync/gun-client/gun';
import { createRelayStore } from '../services/gun-relay/src/relay-store.js';
import { createPublisher } from '../test/support/oip-publisher.js';
import { seedRecords } from '../test/support/seed-records.js';
import { describeMachine, endLoad, localServices, saveResult } from './support/common.js';
import type { RelayGraphMode as ModeResult } from './support/results.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '32' },
    child: { type: 'string' },
  },
});
const records = Number(values.records);
const concurrency = Number(values.concurrency);
const say = (line: string) => process.stdout.write(`${line}\n`);
const mib = (bytes: number) => Math.round(bytes / 1048576);

async function runMode(mode: 'keep' | 'evict'): Promise<ModeResult> {
  const gc = () => (globalThis as { gc?: () => void }).gc?.();
  const memory = () => {
    gc();
    const m = process.memoryUsage();
    return { rssMiB: mib(m.rss), heapMiB: mib(m.heapUsed) };
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-relay-graph-'));
  const server = createServer();
  const gun = createServerGun({ web: server, peers: [], file: dataDir, store: 'radisk' });
  const root = gun._;
  const store = createRelayStore({ root, store: 'radisk', getWaitMs: 1000, putTimeoutMs: 10_000 });
  const emptyGraph = () => {
    for (const soul of Object.keys(root.graph)) delete root.graph[soul];
  };
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const seeded = await seedRecords(`http://127.0.0.1:${port}`, createPublisher(), records);
    const afterSeed = { ...memory(), graphSouls: Object.keys(root.graph).length };
    let afterEmptying: ModeResult['afterEmptying'];
    if (mode === 'evict') {
      emptyGraph();
      afterEmptying = memory();
    }
    // Let radisk finish its last batched writes before anything is read back.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const souls = seeded.dids.map((did) => did.slice('did:gun:'.length));
    let served = 0;
    const r0 = Date.now();
    for (let i = 0; i < souls.length; i += concurrency) {
      if (mode === 'evict' && i % 5000 === 0) emptyGraph();
      await Promise.all(
        souls.slice(i, i + concurrency).map(async (soul) => {
          if ((await store.readNode(soul)).status === 'found') served++;
        }),
      );
    }
    const readMs = Date.now() - r0;
    return {
      mode,
      afterSeed,
      ...(afterEmptying ? { afterEmptying } : {}),
      afterReads: { ...memory(), graphSouls: Object.keys(root.graph).length },
      served,
      notServed: souls.length - served,
      readMs,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await closeGun(gun);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function runChild(mode: 'keep' | 'evict'): Promise<ModeResult> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      script,
      '--child',
      mode,
      '--records',
      String(records),
      '--concurrency',
      String(concurrency),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as ModeResult);
      else reject(new Error(`${mode} child exited ${code}: ${out.slice(-500)}`));
    });
  });
}

if (values.child === 'keep' || values.child === 'evict') {
  say(JSON.stringify(await runMode(values.child)));
  process.exit(0);
}

const machine = await describeMachine(localServices());
say(`[relay-graph] ${records} records, ${concurrency} reads in flight`);
const modes: ModeResult[] = [];
for (const mode of ['keep', 'evict'] as const) {
  const r = await runChild(mode);
  modes.push(r);
  say(
    `[relay-graph] ${mode}: after seeding rss ${r.afterSeed.rssMiB} MiB, heap ${r.afterSeed.heapMiB} MiB, ${r.afterSeed.graphSouls} souls in the graph${r.afterEmptying ? `; graph emptied: rss ${r.afterEmptying.rssMiB}, heap ${r.afterEmptying.heapMiB}` : ''}; after reading back: rss ${r.afterReads.rssMiB}, heap ${r.afterReads.heapMiB}; served ${r.served}/${records} (${r.notServed} not) in ${r.readMs} ms; peak RSS ${r.peakRssMiB} MiB`,
  );
}
const file = await saveResult('relay-graph', {
  records,
  concurrency,
  modes,
  machine: endLoad(machine),
  command: `pnpm bench:relay-graph --records ${records} --concurrency ${concurrency}`,
});
say(`[relay-graph] wrote ${file}`);
process.exit(0);
