/**
 * Backfill benchmark: N OIP records (10 % private) published on a relay, then, each from a
 * cold start (fresh Redis prefix, fresh index, fresh GUN client):
 *   (c) the physical limit: the raw GUN read rate, index walk + record fetch, nothing else;
 *   (a) the gun-sync pipeline, registry → Elasticsearch complete, its three services as child
 *       processes (discovery, transform, indexer) with their default settings;
 *   (d) raw Elasticsearch `_bulk` of the documents (a) produced;
 *   (b) BASELINE: a re-implementation of the seed's (OIP gunSyncService) algorithm:
 *       sequential; read the index, then per entry an `exists` check, a fetch, a PBKDF2 key
 *       derivation per private record, one `index` call with `refresh: wait_for`. It is slow
 *       by design, so it runs for at most --baseline-seconds and its rate is taken over the
 *       records it finished.
 * Prints records/s, (a)/(b), (a)/(c), every process's peak RSS, and writes
 * bench/results/backfill-<N>.json (docs/BENCHMARKS.md is generated from it).
 *
 *   pnpm bench:backfill [--records 10000] [--baseline-seconds 120] [--concurrency N]
 *                       [--set NAME=value ...]   (settings for the pipeline's services)
 */
import { createDecipheriv, pbkdf2Sync, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { gunVars } from '@sync/config';
import { createGunRegistry, type RecordGraph } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { startTestRelay } from '../services/gun-relay/test/support.js';
import { createBackfillRun } from '../test/support/backfill-run.js';
import { seedRecords } from '../test/support/seed-records.js';
import { createPublisher } from '../test/support/oip-publisher.js';
import { waitFor } from '../test/support/node.js';
import {
  cpuSeconds,
  describeMachine,
  localServicePids,
  endLoad,
  localServices,
  peakRssMiB,
  rate,
  saveResult,
} from './support/common.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    'baseline-seconds': { type: 'string', default: '120' },
    /** Reads in flight for (c); default: the pipeline's GUN_HTTP_CONCURRENCY, so (a)/(c) compares like with like. */
    concurrency: { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const pipelineSettings = Object.fromEntries(
  values.set.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--set takes NAME=value; got "${pair}"`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  }),
);
const total = Number(values.records);
const baselineMs = Number(values['baseline-seconds']) * 1000;
const concurrency = Number(
  values.concurrency ??
    pipelineSettings.GUN_HTTP_CONCURRENCY ??
    gunVars.GUN_HTTP_CONCURRENCY.default,
);
const log = createSilentLogger();
const say = (line: string) => process.stdout.write(`${line}\n`);

async function mapLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

const services = localServices();
const machine = await describeMachine(services);
say(
  `[backfill] ${total} records, ${machine.cores} cores (${machine.cpu}), load ${machine.loadAtStart.join(' ')}`,
);
const relay = await startTestRelay({ store: 'memory' });
const es = new Client({ node: services.elasticsearchUrl });
const results: Record<string, unknown> = {};
try {
  // Seeding: records stored exactly as the relay's /put stores them, with registry entries.
  const published = Date.now();
  const seeded = await seedRecords(relay.url, createPublisher(), total, {
    onProgress: (n) => {
      if (n % 2000 === 0) say(`[backfill] seeded ${n}/${total}`);
    },
  });
  const publishMs = Date.now() - published;
  say(
    `[backfill] seeded ${seeded.dids.length} records in ${publishMs} ms (${seeded.unacknowledged} batches unacknowledged)`,
  );

  // (c) the limit: walk the index and fetch every record, nothing else.
  const rawGun = createGunRegistry({
    mode: 'http',
    peers: [relay.url],
    readTimeoutMs: 10_000,
    concurrency,
    log,
  });
  const c0 = Date.now();
  const index = await rawGun.readTypeIndex('post');
  if (index.status !== 'found') throw new Error(`type index not readable: ${index.status}`);
  let fetched = 0;
  await mapLimited(index.value, concurrency, async (entry) => {
    const r = await rawGun.readRecord(entry.soul);
    if (r.status === 'found') fetched++;
  });
  const cMs = Date.now() - c0;
  await rawGun.close();
  const c = { records: fetched, ms: cMs, perSecond: rate(fetched, cMs), concurrency };
  say(
    `[backfill] (c) raw GUN read: ${fetched} records in ${cMs} ms = ${c.perSecond}/s (concurrency ${concurrency})`,
  );

  // (a) the pipeline, cold: fresh prefix and index, three child processes.
  const run = await createBackfillRun({
    ...services,
    gunPeers: relay.url,
    env: { LOG_LEVEL: 'info', ...pipelineSettings },
  });
  await run.startPipeline();
  // CPU seconds each process spends during (a): the relay lives in this process.
  const servicePids = localServicePids();
  const cpuAt = () => ({
    'bench (relay)': cpuSeconds(process.pid),
    elasticsearch: cpuSeconds(servicePids.elasticsearch),
    redis: cpuSeconds(servicePids.redis),
    ...Object.fromEntries(
      run.procs.map((p, i) => [
        ['discovery', 'transform', 'indexer'][i] ?? `p${i}`,
        cpuSeconds(p.child.pid),
      ]),
    ),
  });
  const cpu0 = cpuAt();
  const a0 = Date.now();
  await run.discover();
  // Every record the relay serves (c found them) must be indexed. A relay can answer a read of
  // a 10,000-field index node partially; the schedule's next scan picks up the rest. Here a
  // scan (as the schedule would run) is queued whenever the count stalls for 15 s, and counted.
  let rescans = 0;
  let last = -1;
  let lastChange = Date.now();
  await waitFor(
    `${fetched} documents`,
    async () => {
      const n = await run.count();
      if (n !== last) {
        last = n;
        lastChange = Date.now();
      } else if (n > 0 && Date.now() - lastChange > 15_000) {
        rescans++;
        say(`[backfill] (a) stalled at ${n}/${fetched}: queueing scan ${rescans + 1}`);
        await run.discover();
        lastChange = Date.now();
      }
      return n >= fetched;
    },
    3_600_000,
    500,
  );
  const aMs = Date.now() - a0;
  const rss = Object.fromEntries(
    run.procs.map((p, i) => [
      ['discovery', 'transform', 'indexer'][i] ?? `p${i}`,
      peakRssMiB(p.child.pid),
    ]),
  );
  const cpu1 = cpuAt();
  const cpuSecondsUsed = Object.fromEntries(
    Object.entries(cpu1).map(([name, end]) => {
      const start = cpu0[name as keyof typeof cpu0];
      return [
        name,
        end === undefined || start === undefined ? undefined : Math.round((end - start) * 10) / 10,
      ];
    }),
  );
  const a = {
    settings: pipelineSettings,
    records: fetched,
    ms: aMs,
    perSecond: rate(fetched, aMs),
    peakRssMiB: rss,
    cpuSeconds: cpuSecondsUsed,
    rescans,
  };
  say(
    `[backfill] (a) gun-sync pipeline: ${fetched} records in ${aMs} ms = ${a.perSecond}/s; peak RSS MiB ${JSON.stringify(rss)}`,
  );
  say(`[backfill] (a) CPU seconds during the run: ${JSON.stringify(cpuSecondsUsed)}`);

  // (d) raw _bulk of the same documents into a fresh index.
  const docs: { id: string; source: unknown }[] = [];
  let after: unknown[] | undefined;
  for (;;) {
    const page = await es.search({
      index: run.index,
      size: 2000,
      sort: [{ 'oip.did': 'asc' }],
      ...(after ? { search_after: after as string[] } : {}),
      query: { match_all: {} },
    });
    for (const h of page.hits.hits) docs.push({ id: h._id ?? '', source: h._source });
    if (page.hits.hits.length < 2000) break;
    after = page.hits.hits.at(-1)?.sort;
  }
  for (const p of run.procs) await p.stop();
  await run.close();
  const bulkIndex = `bench-bulk-${randomUUID().slice(0, 8)}`;
  await es.indices.create({
    index: bulkIndex,
    settings: { 'index.mapping.total_fields.limit': 5000 },
  });
  const d0 = Date.now();
  for (let i = 0; i < docs.length; i += 1000) {
    const res = await es.bulk({
      index: bulkIndex,
      operations: docs
        .slice(i, i + 1000)
        .flatMap((doc) => [{ index: { _id: doc.id } }, doc.source]),
    });
    if (res.errors) throw new Error('bulk reported errors');
  }
  await es.indices.refresh({ index: bulkIndex });
  const dMs = Date.now() - d0;
  await es.indices.delete({ index: bulkIndex });
  const d = { records: docs.length, ms: dMs, perSecond: rate(docs.length, dMs), batch: 1000 };
  say(
    `[backfill] (d) raw Elasticsearch _bulk: ${docs.length} documents in ${dMs} ms = ${d.perSecond}/s`,
  );

  // (b) BASELINE: the seed's algorithm, sequential, re-implemented; time-limited.
  const seedIndex = `bench-seed-${randomUUID().slice(0, 8)}`;
  await es.indices.create({
    index: seedIndex,
    settings: { 'index.mapping.total_fields.limit': 5000 },
  });
  const seedGun = createGunRegistry({
    mode: 'http',
    peers: [relay.url],
    readTimeoutMs: 10_000,
    concurrency: 1,
    log,
  });
  const b0 = Date.now();
  // The seed reads a type index with one GET of the index node; its keys are the souls.
  const indexRes = await fetch(
    `${relay.url}/get?soul=${encodeURIComponent('oip:registry:index:post')}`,
    { signal: AbortSignal.timeout(30_000) },
  );
  const indexNode = ((await indexRes.json()) as { data?: Record<string, unknown> }).data ?? {};
  const seedSouls = Object.keys(indexNode).filter((k) => !k.startsWith('_') && !k.startsWith('#'));
  let done = 0;
  let privateDone = 0;
  for (const soul of seedSouls) {
    if (Date.now() - b0 > baselineMs) break;
    const entry = { soul };
    const did = `did:gun:${entry.soul}`;
    if (await es.exists({ index: seedIndex, id: did })) continue;
    const read = await seedGun.readRecord(entry.soul);
    if (read.status !== 'found') continue;
    const seeded = seedConvert(read.value);
    if (seeded.private) privateDone++;
    await es.index({ index: seedIndex, id: did, document: seeded.document, refresh: 'wait_for' });
    done++;
  }
  const bMs = Date.now() - b0;
  await seedGun.close();
  await es.indices.delete({ index: seedIndex });
  const b = {
    records: done,
    privateRecords: privateDone,
    ms: bMs,
    perSecond: rate(done, bMs),
    timeLimitedMs: baselineMs,
  };
  say(
    `[backfill] (b) BASELINE seed algorithm (sequential, refresh wait_for): ${done} records (${privateDone} private) in ${bMs} ms = ${b.perSecond}/s`,
  );

  const selfRss = peakRssMiB(process.pid);
  Object.assign(results, {
    records: total,
    privateShare: 0.1,
    publish: {
      ms: publishMs,
      perSecond: rate(total, publishMs),
      unacknowledgedBatches: seeded.unacknowledged,
    },
    a,
    b,
    c,
    d,
    ratios: {
      aOverB: Math.round((a.perSecond / b.perSecond) * 10) / 10,
      aOverC: Math.round((a.perSecond / c.perSecond) * 100) / 100,
      aOverD: Math.round((a.perSecond / d.perSecond) * 100) / 100,
    },
    benchProcessPeakRssMiB: selfRss,
    machine: endLoad(machine),
    // Exactly as it was called, defaults spelled out where they shape the figures.
    command: [
      'pnpm bench:backfill',
      `--records ${total}`,
      `--baseline-seconds ${baselineMs / 1000}`,
      ...(values.concurrency ? [`--concurrency ${values.concurrency}`] : []),
      ...values.set.map((p) => `--set ${p}`),
    ].join(' '),
  });
  say(
    `[backfill] (a)/(b) = ${(results.ratios as { aOverB: number }).aOverB}x   (a)/(c) = ${(results.ratios as { aOverC: number }).aOverC}   (a)/(d) = ${(results.ratios as { aOverD: number }).aOverD}`,
  );
  say(
    `[backfill] bench process (relay + raw reader + baseline + bulk) peak RSS ${selfRss} MiB; load at end ${(results.machine as { loadAtEnd: number[] }).loadAtEnd.join(' ')}`,
  );
  // Runs with other settings are kept beside the default one, for the report to compare.
  const name = `backfill-${total}${values.set.length > 0 ? `-${values.set.join('-').replace(/[^\w=.-]/g, '_')}` : ''}`;
  say(`[backfill] wrote ${await saveResult(name, results)}`);
} finally {
  await es.close();
  await relay.close();
  rmSync(relay.dataDir, { recursive: true, force: true });
}

/**
 * The seed's per-record work (spec §3, §6): parse `data`/`oip`; for a private record derive
 * the legacy shared key with PBKDF2 (100,000 × SHA-256, no cache, as the seed does per record)
 * and open the AES-256-GCM envelope; unwrap JSON-array strings under `data`; set `did`, `didTx`
 * and `storage: gun`.
 */
function seedConvert(graph: RecordGraph): { document: Record<string, unknown>; private: boolean } {
  const rootNode = graph.nodes[graph.soul] as Record<string, unknown>;
  const metaLink = rootNode.meta as { '#'?: string } | undefined;
  const meta = metaLink?.['#'] ? graph.nodes[metaLink['#']] : undefined;
  const did = `did:gun:${graph.soul}`;
  const oip = JSON.parse(String(rootNode.oip)) as Record<string, unknown>;
  let dataString: string;
  let isPrivate = false;
  if (meta?.encrypted === true) {
    isPrivate = true;
    const envLink = rootNode.data as { '#': string };
    const env = graph.nodes[envLink['#']] as { encrypted: string; iv: string; tag: string };
    const key = pbkdf2Sync('gun-encryption-key', 'salt', 100_000, 32, 'sha256');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(env.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(env.tag, 'base64'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(env.encrypted, 'base64')),
      decipher.final(),
    ]).toString('utf8');
    const once = JSON.parse(plain) as unknown;
    dataString = typeof once === 'string' ? once : plain;
  } else {
    dataString = String(rootNode.data);
  }
  const unwrap = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith('[') && value.endsWith(']')) {
      try {
        const parsed = JSON.parse(value) as unknown;
        if (Array.isArray(parsed)) return parsed;
      } catch {
        return value;
      }
    }
    if (Array.isArray(value)) return value.map(unwrap);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
    return value;
  };
  return {
    document: {
      data: unwrap(JSON.parse(dataString)),
      oip: { ...oip, did, didTx: did, storage: 'gun' },
    },
    private: isPrivate,
  };
}
