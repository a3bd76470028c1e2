/**
 * Walks a 10,000-entry registry and fetches every record, once per reader implementation
 * (wire, http, and GUN's chain API as a baseline), and prints records/s and the reader's peak
 * RSS. One relay runs in this process (127.0.0.1, radisk in a temporary folder unless
 * --memory); each reader runs in its own child process so its RSS is its own.
 *
 *   pnpm tsx bench/gun-registry.ts [--entries 10000] [--concurrency 32] [--memory] [--readers wire,http,chain]
 *                                  [--data-dir DIR (kept, and seeded only if empty)] [--verbose]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunRegistry, type GunNode } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { startRelay } from '../services/gun-relay/src/relay.js';
import { closeGun, createClientGun } from '@sync/gun-client/gun';
import { seedRegistry } from './lib/seed-registry.js';
import { readWithChainApi } from './lib/chain-reader.js';
import { loadVector } from '../spec/vectors.js';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    memory: { type: 'boolean', default: false },
    readers: { type: 'string', default: 'wire,http,chain' },
    'data-dir': { type: 'string' },
    verbose: { type: 'boolean', default: false },
    child: { type: 'string' },
    url: { type: 'string' },
  },
});
const entries = Number(values.entries);
const concurrency = Number(values.concurrency);
const log = createSilentLogger();

interface ReaderResult {
  reader: string;
  entries: number;
  records: number;
  discoverMs: number;
  fetchMs: number;
  recordsPerSecond: number;
  peakRssMb: number;
}

/** Child: discover the index, fetch every record, report. */
async function runReader(reader: string, url: string): Promise<void> {
  const started = performance.now();
  let discovered = 0;
  let fetched = 0;
  let discoverMs = 0;
  if (reader === 'chain') {
    ({ discovered, fetched, discoverMs } = await readWithChainApi(`${url}/gun`, concurrency));
  } else {
    const mode = reader === 'wire' ? 'wire' : 'http';
    const registry = createGunRegistry({
      mode,
      peers: [mode === 'wire' ? `${url}/gun` : url],
      recordTypes: ['post'],
      readTimeoutMs: 30_000,
      concurrency,
      log,
    });
    const index = await registry.readTypeIndex('post');
    if (index.status !== 'found') throw new Error(`index not readable: ${index.status}`);
    discoverMs = performance.now() - started;
    discovered = index.value.length;
    if (values.verbose) {
      const odd = index.value.filter(
        (e) => !/^82d1ad726425:bench-\d{6}$/.test(e.soul) || e.nodeId === null,
      );
      console.error(
        `${reader}: ${new Set(index.value.map((e) => e.soul)).size} distinct souls; odd entries: ${JSON.stringify(odd.slice(0, 5))}`,
      );
    }
    const queue = [...index.value];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let entry = queue.pop(); entry; entry = queue.pop()) {
          const record = await registry.readRecord(entry.soul);
          if (record.status === 'found' && Object.keys(record.value.nodes).length === 2)
            fetched += 1;
          else if (values.verbose)
            console.error(
              `${reader}: ${entry.soul} ${record.status} ${record.status === 'found' ? Object.keys(record.value.nodes).join(' ') : ''}`,
            );
        }
      }),
    );
    await registry.close();
  }
  const fetchMs = performance.now() - started - discoverMs;
  const result: ReaderResult = {
    reader,
    entries: discovered,
    records: fetched,
    discoverMs: Math.round(discoverMs),
    fetchMs: Math.round(fetchMs),
    recordsPerSecond: Math.round(fetched / (fetchMs / 1000)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

function spawnReader(reader: string, url: string): Promise<ReaderResult> {
  return new Promise((resolve, reject) => {
    const args = [
      '--child',
      reader,
      '--url',
      url,
      '--concurrency',
      String(concurrency),
      ...(values.verbose ? ['--verbose'] : []),
    ];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL(import.meta.url).pathname, ...args],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"reader"'));
      if (code === 0 && line) resolve(JSON.parse(line) as ReaderResult);
      else reject(new Error(`${reader} reader exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  if (values.child && values.url) return runReader(values.child, values.url);
  const kept = values['data-dir'];
  if (kept && !existsSync(kept)) mkdirSync(kept, { recursive: true });
  const dataDir = kept ?? mkdtempSync(join(tmpdir(), 'gun-bench-'));
  const seeded = kept !== undefined && readdirSync(kept).length > 0;
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    store: values.memory ? 'memory' : 'radisk',
    peers: [],
    log,
    getWaitMs: 1000,
  });
  const template =
    loadVector<{ cases: { nodes: Record<string, GunNode> }[] }>('records').cases[0]?.nodes ?? {};
  try {
    const writer = createClientGun({ peers: [`${relay.url}/gun`] });
    const seedStarted = performance.now();
    const { unacknowledged } = seeded
      ? { unacknowledged: 0 }
      : await seedRegistry(writer._, { entries, template });
    await closeGun(writer);
    const seedMs = performance.now() - seedStarted;
    console.log(
      `relay: ${values.memory ? 'in memory' : 'radisk'}; ${seeded ? 'reused' : 'seeded'} ${entries} entries and records in ${(seedMs / 1000).toFixed(1)} s (${unacknowledged} batches unacknowledged); reader concurrency ${concurrency}`,
    );
    console.log('reader  entries  records  discover_s  fetch_s  records/s  peak_rss_mb');
    for (const reader of (values.readers ?? '').split(',')) {
      const r = await spawnReader(reader, relay.url);
      console.log(
        [
          r.reader.padEnd(6),
          String(r.entries).padStart(7),
          String(r.records).padStart(8),
          (r.discoverMs / 1000).toFixed(1).padStart(10),
          (r.fetchMs / 1000).toFixed(1).padStart(8),
          String(r.recordsPerSecond).padStart(10),
          String(r.peakRssMb).padStart(12),
        ].join('  '),
      );
    }
    console.log(
      `relay peak RSS (this process): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  } finally {
    await relay.close();
    if (!kept) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
