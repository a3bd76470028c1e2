/**
 * Backfill benchmark: N OIP records (10 % private) published on a relay, then, each from a
 * cold start (fresh Redis prefix, fresh index, fresh GUN client):
 *   (c) the limit: the fastest complete raw GUN read (index walk + record fetch, nothing else)
 *       of a sweep over both transports (relay HTTP API, GUN wire) and several reads in flight;
 *   (a) the gun-sync pipeline, registry → Elasticsearch complete, its three services as child
 *       processes (discovery, transform, indexer) with their default settings;
 *   (d) raw Elasticsearch `_bulk` of the documents (a) produced;
 *   (b) BASELINE: a re-implementation of the seed's (OIP gunSyncService) algorithm:
 *       sequential; read the index, then per entry an `exists` check, a fetch, a PBKDF2 key
 *       derivation per private record, one `index` call with `refresh: wait_for`. It is slow
 *       by design, so it runs for at most --baseline-seconds and its rate is taken over the
 *       records it finished.
 * (a) is profiled: CPU and event-loop delay per process, Redis commands per record (on its own
 * Redis), the relay's loop delay; (b) reports public and private records' rates apart.
 * Prints records/s, (a)/(b), (a)/(c), every process's peak RSS, and writes
 * bench/results/backfill-<N>.json (docs/BENCHMARKS.md is generated from it).
 *
 *   pnpm bench:backfill [--records 10000] [--baseline-seconds 120]
 *                       [--sweep 16,32,64,128,256] [--transports http,wire]
 *                       [--set NAME=value ...]   (settings for the pipeline's services)
 */
import { createDecipheriv, pbkdf2Sync, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import {
  createGunRegistry,
  mapLimited,
  type GunClientMode,
  type RecordGraph,
} from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { startTestRelay } from '../services/gun-relay/test/support.js';
import { createBackfillRun } from '../test/support/backfill-run.js';
import { seedRecords } from '../test/support/seed-records.js';
import { createPublisher } from '../test/support/oip-publisher.js';
import { waitFor } from '../test/support/node.js';
import { startRedisServer, type RedisServer } from '../test/support/redis-server.js';
import {
  cpuSeconds,
  describeMachine,
  listenerPid,
  endLoad,
  localServices,
  peakRssMiB,
  rate,
  saveResult,
} from './support/common.js';
import {
  probePort,
  redisProfile,
  redisSnapshot,
  scrapeService,
  watchOwnLoop,
} from './support/profile.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    'baseline-seconds': { type: 'string', default: '120' },
    /** Reads in flight (c) sweeps, comma-separated; the fastest complete read is (c). */
    sweep: { type: 'string', default: '16,32,64,128,256' },
    /** Transports (c) sweeps: the relay HTTP API and GUN's wire protocol. */
    transports: { type: 'string', default: 'http,wire' },
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
const sweepSettings = values.sweep.split(',').map(Number);
const transports = values.transports.split(',') as GunClientMode[];
if (sweepSettings.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error(`--sweep takes reads in flight, comma-separated; got "${values.sweep}"`);
if (transports.some((t) => t !== 'http' && t !== 'wire'))
  throw new Error(`--transports takes http and/or wire; got "${values.transports}"`);
const log = createSilentLogger();
const say = (line: string) => process.stdout.write(`${line}\n`);

interface RawRead {
  transport: GunClientMode;
  concurrency: number;
  records: number;
  ms: number;
  perSecond: number;
  /** Every registered record was read. */
  complete: boolean;
  /** Why the read stopped (the type index not readable at this setting). */
  failure?: string;
}

/** One cold raw read: a fresh client walks the type index and fetches every record. */
async function rawRead(
  relayUrl: string,
  transport: GunClientMode,
  inFlight: number,
  expected: number,
): Promise<RawRead> {
  const gun = createGunRegistry({
    mode: transport,
    peers: [transport === 'wire' ? `${relayUrl}/gun` : relayUrl],
    readTimeoutMs: 10_000,
    concurrency: inFlight,
    log,
  });
  try {
    const t0 = Date.now();
    const index = await gun.readTypeIndex('post');
    if (index.status !== 'found')
      return {
        transport,
        concurrency: inFlight,
        records: 0,
        ms: Date.now() - t0,
        perSecond: 0,
        complete: false,
        failure: `type index ${index.status === 'error' ? index.error.message : 'not found'}`,
      };
    let found = 0;
    await mapLimited(index.value, inFlight, async (entry) => {
      const r = await gun.readRecord(entry.soul);
      if (r.status === 'found') found++;
    });
    const ms = Date.now() - t0;
    return {
      transport,
      concurrency: inFlight,
      records: found,
      ms,
      perSecond: rate(found, ms),
      complete: found >= expected,
    };
  } finally {
    await gun.close();
  }
}

const services = localServices();
const machine = await describeMachine(services);
say(
  `[backfill] ${total} records, ${machine.cores} cores (${machine.cpu}), load ${machine.loadAtStart.join(' ')}`,
);
const relay = await startTestRelay({ store: 'memory' });
const es = new Client({ node: services.elasticsearchUrl });
const results: Record<string, unknown> = {};
let ownRedis: RedisServer | undefined;
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

  // (c) the limit: walk the index and fetch every record, nothing else, over each transport
  // at each setting of reads in flight; the fastest complete read is (c).
  const sweep: RawRead[] = [];
  for (const transport of transports)
    for (const inFlight of sweepSettings) {
      const point = await rawRead(relay.url, transport, inFlight, total);
      sweep.push(point);
      say(
        `[backfill] (c) raw ${transport} read, ${inFlight} in flight: ${point.records} records in ${point.ms} ms = ${point.perSecond}/s${point.complete ? '' : ` (incomplete${point.failure ? `: ${point.failure}` : ''})`}`,
      );
    }
  const best = sweep
    .filter((p) => p.complete)
    .reduce<RawRead | undefined>((b, p) => (b && b.perSecond >= p.perSecond ? b : p), undefined);
  if (!best) throw new Error('no raw read completed');
  const fetched = best.records;
  const c = { ...best, sweep };
  say(
    `[backfill] (c) the limit: raw ${best.transport} read at ${best.concurrency} in flight, ${best.perSecond}/s`,
  );

  // (a) the pipeline, cold: fresh prefix and index, three child processes.
  // Its own Redis, so INFO commandstats and Redis CPU count this run alone.
  ownRedis = await startRedisServer();
  const wire = pipelineSettings.GUN_CLIENT_MODE === 'wire';
  const run = await createBackfillRun({
    ...services,
    redisUrl: ownRedis.url,
    gunPeers: wire ? `${relay.url}/gun` : relay.url,
    env: { LOG_LEVEL: 'info', ...pipelineSettings },
  });
  await run.startPipeline();
  const serviceNames = ['discovery', 'transform', 'indexer'];
  const ports = run.procs.map((p) => probePort(p.output()));
  const scrape = async () => Promise.all(ports.map((port) => scrapeService(port)));
  // CPU seconds each process spends during (a): the relay lives in this process.
  // Elasticsearch's CPU: the process listening on the URL the pipeline writes to.
  const esPid = listenerPid(services.elasticsearchUrl);
  const cpuAt = () => ({
    'bench (relay)': cpuSeconds(process.pid),
    elasticsearch: cpuSeconds(esPid),
  });
  // Each service's own CPU comes from its metrics (the child's pid may be a launcher); the
  // scrape also starts each service's event-loop window.
  const samples0 = await scrape();
  const redis0 = await redisSnapshot(run.redis);
  const relayLoop = watchOwnLoop();
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
  const relayLoopDelay = relayLoop.stop();
  const samples = await scrape();
  const redisUse = redisProfile(redis0, await redisSnapshot(run.redis), fetched);
  const loopDelay = {
    'bench (relay)': relayLoopDelay,
    ...Object.fromEntries(
      samples.map((x, i) => [
        serviceNames[i] ?? `p${i}`,
        x && { p50Ms: x.loopDelayP50Ms, p99Ms: x.loopDelayP99Ms, maxMs: x.loopDelayMaxMs },
      ]),
    ),
  };
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
    cpuSeconds: {
      ...cpuSecondsUsed,
      ...Object.fromEntries(
        samples.map((x, i) => {
          const x0 = samples0[i];
          const used = x && x0 ? Math.round((x.cpuSeconds - x0.cpuSeconds) * 10) / 10 : undefined;
          return [serviceNames[i] ?? `p${i}`, used];
        }),
      ),
      redis: redisUse.cpuSeconds,
    },
    loopDelay,
    redis: redisUse,
    rescans,
  };
  say(
    `[backfill] (a) gun-sync pipeline: ${fetched} records in ${aMs} ms = ${a.perSecond}/s; peak RSS MiB ${JSON.stringify(rss)}`,
  );
  say(`[backfill] (a) CPU seconds during the run: ${JSON.stringify(a.cpuSeconds)}`);
  say(`[backfill] (a) event-loop delay (ms): ${JSON.stringify(loopDelay)}`);
  say(
    `[backfill] (a) Redis: ${redisUse.commandsPerRecord} commands per record ${JSON.stringify(redisUse.topPerRecord)}`,
  );

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
  await ownRedis.stop();
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
  // Each record's own time (exists, fetch, convert, index), by kind: a private record pays the
  // seed's PBKDF2, so its rate is reported apart from the public records'.
  const kinds = { public: { records: 0, ms: 0 }, private: { records: 0, ms: 0 } };
  for (const soul of seedSouls) {
    if (Date.now() - b0 > baselineMs) break;
    const r0 = performance.now();
    const did = `did:gun:${soul}`;
    if (await es.exists({ index: seedIndex, id: did })) continue;
    const read = await seedGun.readRecord(soul);
    if (read.status !== 'found') continue;
    const seeded = seedConvert(read.value);
    await es.index({ index: seedIndex, id: did, document: seeded.document, refresh: 'wait_for' });
    const kind = kinds[seeded.private ? 'private' : 'public'];
    kind.records++;
    kind.ms += performance.now() - r0;
  }
  const bMs = Date.now() - b0;
  await seedGun.close();
  await es.indices.delete({ index: seedIndex });
  const done = kinds.public.records + kinds.private.records;
  const byKind = (k: { records: number; ms: number }) => ({
    records: k.records,
    ms: Math.round(k.ms),
    perSecond: rate(k.records, k.ms),
  });
  const b = {
    records: done,
    privateRecords: kinds.private.records,
    ms: bMs,
    perSecond: rate(done, bMs),
    public: byKind(kinds.public),
    private: byKind(kinds.private),
    timeLimitedMs: baselineMs,
  };
  say(
    `[backfill] (b) BASELINE seed algorithm (sequential, refresh wait_for): ${done} records in ${bMs} ms = ${b.perSecond}/s; public ${b.public.records} at ${b.public.perSecond}/s, private ${b.private.records} at ${b.private.perSecond}/s`,
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
      `--sweep ${values.sweep}`,
      `--transports ${values.transports}`,
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
  await ownRedis?.stop();
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
