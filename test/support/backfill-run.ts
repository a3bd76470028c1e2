/**
 * The shape shared by the crash and fault tests and the benchmarks: N OIP records published on
 * relay A (a share of them private) and registered in A's registry; a gun-sync node whose
 * services run as real child processes, reading relay B (peered to A), with its own queue
 * prefix and index; and the exact comparison of the index against the published set.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import {
  createGunRegistryWriter,
  type RegistryLayout,
  type RegistryWriter,
} from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { QueueName, connectRedis, createProducer } from '@sync/queues';
import { obliterateAll } from '@sync/queues/testing';
import { startRelayPair } from '../../services/gun-relay/test/support.js';
import type { JsonObject } from '@sync/records';
import {
  benchRecord,
  benchRecordInput,
  createPublisher,
  publishOnA,
  type Publisher,
} from './oip-publisher.js';
import { queueScan, refreshedCount, waitFor } from './node.js';
import { seedRecords, type SeedOptions } from './seed-records.js';
import { startServiceProcess, type ServiceProcess } from './processes.js';

export type RelayPair = Awaited<ReturnType<typeof startRelayPair>>;

export interface PublishOptions {
  /** Every n-th record is private (legacy shared key); 0 = none. Default 10 (10 %). */
  privateEvery?: number;
  /** Puts in flight. */
  concurrency?: number;
  localIdPrefix?: string;
  onProgress?: (done: number) => void;
}

/** Publishes `total` records on `relayUrl` like OIP and registers them; returns their DIDs. */
export async function publishRecords(
  relayUrl: string,
  writer: RegistryWriter,
  publisher: Publisher,
  total: number,
  { privateEvery = 10, concurrency = 32, localIdPrefix = 'r', onProgress }: PublishOptions = {},
): Promise<string[]> {
  const dids: string[] = [];
  for (let i = 0; i < total; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, total - i) }, (_, k) => i + k);
    await Promise.all(
      batch.map(async (n) => {
        const put = benchRecord(publisher, n, { privateEvery, localIdPrefix });
        await publishOnA(relayUrl, writer, publisher, put);
        dids.push(`did:gun:${put.soul}`);
      }),
    );
    onProgress?.(Math.min(i + concurrency, total));
  }
  return dids;
}

/** What the index must hold for one published record. */
export interface ExpectedDocument {
  /** Elasticsearch's external `_version` and `oip.sync.version`: the record's `oip.indexedAt`. */
  version: number;
  /** The record's data as published (arrays restored). */
  data: JsonObject;
  /** A private record, decrypted by the pipeline. */
  wasEncrypted: boolean;
}

/** A document as the index holds it: what `ExpectedDocument` is compared with. */
export interface IndexedDocument {
  id: string;
  version: number | undefined;
  source: {
    data?: unknown;
    oip?: { did?: unknown; wasEncrypted?: unknown; sync?: { version?: unknown } };
  };
}

export interface BackfillRunOptions {
  redisUrl: string;
  elasticsearchUrl: string;
  /** Defaults to relay B of the pair. */
  gunPeers?: string;
  env?: Record<string, string>;
}

export interface BackfillRun {
  prefix: string;
  index: string;
  env: Record<string, string>;
  redis: Redis;
  es: Client;
  procs: ServiceProcess[];
  start(service: string, env?: Record<string, string>): ServiceProcess;
  /** Starts discovery and waits until its worker runs. */
  startDiscovery(): Promise<ServiceProcess>;
  /** Starts discovery, transform and indexer and waits until each worker runs. */
  startPipeline(): Promise<{
    discovery: ServiceProcess;
    transform: ServiceProcess;
    indexer: ServiceProcess;
  }>;
  /** Queues a full registry scan (as the API's force-sync does). */
  discover(force?: boolean): Promise<void>;
  count(): Promise<number>;
  /** Every document id in the index (ids are DIDs). */
  ids(): Promise<string[]>;
  /** Every document in the index with its version, data and DID (refreshed first). */
  documents(): Promise<IndexedDocument[]>;
  waitForCount(n: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Queue prefix, index and env of a node run as child processes; nothing starts yet. */
export async function createBackfillRun(options: BackfillRunOptions): Promise<BackfillRun> {
  const id = randomUUID().slice(0, 8);
  const prefix = `fault-${id}`;
  const index = `fault-records-${id}`;
  const redis = await connectRedis(options.redisUrl, 'producer');
  // A fault test may take Redis away: the connection reconnects, its errors are expected.
  redis.on('error', () => undefined);
  const es = new Client({ node: options.elasticsearchUrl });
  const env: Record<string, string> = {
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: prefix,
    ELASTICSEARCH_URL: options.elasticsearchUrl,
    ELASTICSEARCH_INDEX: index,
    SYNC_SEAL_KEY: randomBytes(32).toString('hex'),
    GUN_CLIENT_MODE: 'http',
    GUN_PEERS: options.gunPeers ?? '',
    GUN_NODE_ID_OVERRIDE: 'node-b',
    GUN_SYNC_RECORD_TYPES: 'post',
    GUN_SYNC_INTERVAL: '600000',
    DISCOVERY_LIVE: 'false',
    PROBE_PORT: '0',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const procs: ServiceProcess[] = [];
  const discoverQueue = createProducer(QueueName.discover, { connection: redis, prefix });
  discoverQueue.queue.on('error', () => undefined);
  const run: BackfillRun = {
    prefix,
    index,
    env,
    redis,
    es,
    procs,
    start(service, extra = {}) {
      const p = startServiceProcess(service, { ...env, ...extra });
      procs.push(p);
      return p;
    },
    async startDiscovery() {
      const p = run.start('discovery');
      await waitFor(
        'the discovery worker',
        async () => p.output().includes('discovery started'),
        60_000,
      );
      return p;
    },
    async startPipeline() {
      const discovery = await run.startDiscovery();
      const transform = run.start('transform');
      const indexer = run.start('indexer');
      await waitFor(
        'transform and indexer',
        async () =>
          transform.output().includes('transform worker started') &&
          indexer.output().includes('indexer started'),
        60_000,
      );
      return { discovery, transform, indexer };
    },
    discover: (force = false) => queueScan(discoverQueue, 'all', force),
    count: () => refreshedCount(es, index),
    async ids() {
      return (await run.documents()).map((d) => d.id);
    },
    async documents() {
      await es.indices.refresh({ index, ignore_unavailable: true });
      const out: IndexedDocument[] = [];
      let after: string[] | undefined;
      for (;;) {
        const res = await es.search<IndexedDocument['source']>({
          index,
          size: 2000,
          version: true,
          _source: ['data', 'oip.did', 'oip.wasEncrypted', 'oip.sync.version'],
          sort: [{ 'oip.did': 'asc' }],
          ...(after ? { search_after: after } : {}),
          query: { match_all: {} },
        });
        const hits = res.hits.hits;
        for (const h of hits)
          if (h._id) out.push({ id: h._id, version: h._version, source: h._source ?? {} });
        if (hits.length < 2000) return out;
        after = hits.at(-1)?.sort as string[];
      }
    },
    async waitForCount(n, timeoutMs) {
      await waitFor(`${n} documents`, async () => (await run.count()) >= n, timeoutMs, 250);
    },
    async close() {
      await Promise.all(procs.map((p) => p.kill()));
      await discoverQueue.close().catch(() => undefined);
      await obliterateAll(redis, prefix).catch(() => undefined);
      await es.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
      redis.disconnect();
      await es.close();
    },
  };
  return run;
}

/** Node A's registry writer (gun-sync's, over relay A's HTTP API), in `layout`. */
export function createNodeAWriter(relayUrl: string, layout?: RegistryLayout): RegistryWriter {
  return createGunRegistryWriter({
    mode: 'http',
    peers: [relayUrl],
    writeTimeoutMs: 15_000,
    readTimeoutMs: 10_000,
    ...(layout ? { layout } : {}),
    log: createSilentLogger(),
  });
}

/** A relay pair with `total` records (10 % private) on A; the pipeline reads B. */
export async function startPublishedPair(
  total: number,
  options: SeedOptions = {},
): Promise<{
  pair: RelayPair;
  writer: RegistryWriter;
  publisher: Publisher;
  expected: Set<string>;
  /** By DID: the version and content each published record must be indexed with. */
  documents: Map<string, ExpectedDocument>;
  close(): Promise<void>;
}> {
  const pair = await startRelayPair({ store: 'memory' });
  const writer = createNodeAWriter(pair.a.url);
  const publisher = createPublisher();
  // Records as A's /put stores them and their registry entries, in batched GUN puts on A:
  // seconds instead of a minute for a few hundred records on a busy 2-core machine.
  const seeded = await seedRecords(pair.a.url, publisher, total, options);
  if (seeded.unacknowledged > 0)
    throw new Error(`${seeded.unacknowledged} seeding batches were not acknowledged by relay A`);
  const expected = new Set(seeded.dids);
  const documents = new Map<string, ExpectedDocument>();
  for (let n = 0; n < total; n++) {
    const input = benchRecordInput(n, { privateEvery: options.privateEvery ?? 10 });
    documents.set(`did:gun:${publisher.publisherHash}:${input.localId}`, {
      version: input.indexedAt.getTime(),
      data: input.data,
      wasEncrypted: Boolean(input.private),
    });
  }
  return {
    pair,
    writer,
    publisher,
    expected,
    documents,
    async close() {
      await writer.close();
      await pair.close();
    },
  };
}
