/**
 * Registry at scale: discovery of one record type with 10k–100k entries, legacy index vs
 * registry v2 buckets, and the cost of an incremental v2 scan when nothing changed. The relay
 * (radisk) and each reader run in their own child processes so each peak RSS is its own; the
 * graph our writer produces is bulk-seeded into the relay's radisk folder first
 * (bench/lib/seed-registry-scale.ts).
 *
 *   pnpm tsx bench/registry-scale.ts --entries 100000 --layout v2 [--mode http|wire]
 *        [--concurrency 16] [--seed-layout both|v2|legacy] [--data-dir DIR (kept; seeded if empty)]
 *        [--bucket-max 1000] [--timeout-ms 30000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunRegistry, defaultBucketSettings, type RegistryLayout } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { startTestRelay } from '../services/gun-relay/test/support.js';
import { benchType, repairSeed, seedRadisk } from './lib/seed-registry-scale.js';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '10000' },
    layout: { type: 'string', default: 'v2' },
    mode: { type: 'string', default: 'http' },
    concurrency: { type: 'string', default: '16' },
    'seed-layout': { type: 'string', default: 'both' },
    'data-dir': { type: 'string' },
    'bucket-max': { type: 'string', default: String(defaultBucketSettings.maxEntries) },
    'timeout-ms': { type: 'string', default: '30000' },
    'seed-batch': { type: 'string', default: '200' },
    'seed-in-flight': { type: 'string', default: '4' },
    child: { type: 'string' },
    url: { type: 'string' },
  },
});
const entries = Number(values.entries);
const concurrency = Number(values.concurrency);
const log = createSilentLogger();
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

interface ReadResult {
  layout: string;
  mode: string;
  discovered: number;
  failed: string | null;
  discoverMs: number;
  incremental: { ms: number; bucketsRead: number; entries: number } | null;
  peakRssMb: number;
}

/** Child: one full discovery of the type, then (v2) an incremental scan from its mark. */
async function runReader(url: string): Promise<void> {
  const mode = values.mode === 'wire' ? 'wire' : 'http';
  const registry = createGunRegistry({
    mode,
    peers: [mode === 'wire' ? `${url}/gun` : url],
    recordTypes: [benchType],
    readTimeoutMs: Number(values['timeout-ms']),
    concurrency,
    log,
  });
  const out: ReadResult = {
    layout: values.layout ?? 'v2',
    mode,
    discovered: 0,
    failed: null,
    discoverMs: 0,
    incremental: null,
    peakRssMb: 0,
  };
  const started = performance.now();
  if (values.layout === 'legacy') {
    const index = await registry.readTypeIndex(benchType);
    out.discoverMs = Math.round(performance.now() - started);
    if (index.status === 'found') out.discovered = index.value.length;
    else out.failed = index.status === 'error' ? index.error.message : 'not-found';
  } else if (registry.scanTypeIndex) {
    const scan = await registry.scanTypeIndex(benchType);
    out.discoverMs = Math.round(performance.now() - started);
    if (scan.status !== 'found')
      out.failed = scan.status === 'error' ? scan.error.message : 'not-found';
    else {
      out.discovered = scan.value.entries.length;
      if (scan.value.layout !== 'v2') out.failed = `layout ${scan.value.layout}`;
      const again = performance.now();
      const next = await registry.scanTypeIndex(benchType, { since: scan.value.mark });
      if (next.status === 'found')
        out.incremental = {
          ms: Math.round(performance.now() - again),
          bucketsRead: next.value.bucketsRead,
          entries: next.value.entries.length,
        };
    }
  }
  await registry.close();
  out.peakRssMb = peakRssMb();
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

/** Child: the relay on the seeded radisk folder; answers 'rss' with its peak RSS. */
async function runRelay(dataDir: string): Promise<void> {
  const relay = await startTestRelay({ dataDir, log, getWaitMs: 1000 });
  process.on('message', (message) => {
    if (message === 'rss') process.send?.({ peakRssMb: peakRssMb() });
    if (message === 'close') void relay.close().then(() => process.exit(0));
  });
  process.send?.({ url: relay.url });
}

function spawnChild(args: string[], ipc = false): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, ...args], {
    stdio: ipc ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

function readOnce(url: string): Promise<ReadResult> {
  const child = spawnChild([
    '--child',
    'read',
    '--url',
    url,
    '--layout',
    values.layout ?? 'v2',
    '--mode',
    values.mode ?? 'http',
    '--concurrency',
    String(concurrency),
    '--timeout-ms',
    values['timeout-ms'] ?? '30000',
  ]);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as ReadResult);
      else reject(new Error(`reader exited with ${code}`));
    }),
  );
}

async function main(): Promise<void> {
  if (values.child === 'read' && values.url) return runReader(values.url);
  if (values.child === 'relay' && values['data-dir']) return runRelay(values['data-dir']);
  const kept = values['data-dir'];
  if (kept && !existsSync(kept)) mkdirSync(kept, { recursive: true });
  const dataDir = kept ?? mkdtempSync(join(tmpdir(), 'registry-scale-'));
  const marker = join(dataDir, '.seeded.json');
  const seedLayout = (values['seed-layout'] ?? 'both') as RegistryLayout;
  const buckets = { ...defaultBucketSettings, maxEntries: Number(values['bucket-max']) };
  const writtenAt = Date.parse('2026-11-21T12:00:00.000Z');
  try {
    const seeded = existsSync(marker)
      ? (JSON.parse(readFileSync(marker, 'utf8')) as {
          entries: number;
          layout: string;
          repaired?: boolean;
        })
      : null;
    if (seeded && (seeded.entries !== entries || seeded.layout !== seedLayout))
      throw new Error(
        `${dataDir} holds ${seeded.entries} entries (${seeded.layout}); use another --data-dir`,
      );
    const started = performance.now();
    if (!seeded) {
      let last = 0;
      const { unacknowledged } = await seedRadisk(dataDir, {
        from: 0,
        to: entries,
        layout: seedLayout,
        buckets,
        writtenAt,
        batch: Number(values['seed-batch']),
        inFlightMax: Number(values['seed-in-flight']),
        onProgress: (done) => {
          if (done - last >= 10_000) {
            last = done;
            console.error(
              `seeded ${done} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
            );
          }
        },
      });
      writeFileSync(marker, JSON.stringify({ entries, layout: seedLayout, repaired: false }));
      console.log(
        `seeded ${entries} registrations (${seedLayout}) in ${((performance.now() - started) / 1000).toFixed(1)} s, ${unacknowledged} batches unacknowledged; seeder peak RSS ${peakRssMb()} MB`,
      );
    }
    if (!seeded?.repaired) {
      let repaired = 0;
      for (let round = 1; round <= 3; round++) {
        const relay = spawnChild(['--child', 'relay', '--data-dir', dataDir], true);
        const { url } = await nextMessage<{ url: string }>(relay);
        const lost = await repairSeed(url, { to: entries, layout: seedLayout, buckets, writtenAt });
        relay.send('close');
        await new Promise((resolve) => relay.once('exit', resolve));
        repaired += lost;
        if (lost === 0) break;
      }
      writeFileSync(marker, JSON.stringify({ entries, layout: seedLayout, repaired: true }));
      console.log(
        `read back in ${((performance.now() - started) / 1000).toFixed(1)} s: ${repaired} fields lost by radisk and put again`,
      );
    }
    const relay = spawnChild(['--child', 'relay', '--data-dir', dataDir], true);
    const { url } = await nextMessage<{ url: string }>(relay);
    try {
      const r = await readOnce(url);
      relay.send('rss');
      const { peakRssMb: relayRss } = await nextMessage<{ peakRssMb: number }>(relay);
      const perSecond = r.discoverMs > 0 ? Math.round(r.discovered / (r.discoverMs / 1000)) : 0;
      console.log(
        'layout  mode  entries  discovered  failed  discover_s  entries/s  reader_rss_mb  relay_rss_mb  incr_ms  incr_buckets  incr_entries',
      );
      console.log(
        [
          r.layout.padEnd(6),
          r.mode.padEnd(4),
          String(entries).padStart(7),
          String(r.discovered).padStart(10),
          (r.failed ? 'yes' : 'no').padStart(6),
          (r.discoverMs / 1000).toFixed(1).padStart(10),
          String(perSecond).padStart(9),
          String(r.peakRssMb).padStart(13),
          String(relayRss).padStart(12),
          String(r.incremental?.ms ?? '-').padStart(7),
          String(r.incremental?.bucketsRead ?? '-').padStart(12),
          String(r.incremental?.entries ?? '-').padStart(12),
        ].join('  '),
      );
      if (r.failed) console.log(`failure: ${r.failed}`);
    } finally {
      relay.send('close');
      await new Promise((resolve) => relay.once('exit', resolve));
    }
  } finally {
    if (!kept) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
