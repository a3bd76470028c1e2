/** Shared wiring of the indexer's integration tests: a real Redis, a real Elasticsearch. */
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { QueueEvents, type Job } from 'bullmq';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { seal } from '@sync/crypto';
import { createEsClient, recordsTemplateName } from '@sync/es-client';
import { createSilentLogger } from '@sync/logging';
import {
  JobName,
  QueueName,
  connectRedis,
  createProducer,
  createRedisConnection,
  jobIdFor,
  type Producer,
} from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { serviceUrls } from '../../../test/services.js';
import { loadIndexerConfig, type IndexerConfig } from '../src/config.js';
import { sealContext } from '../src/open-document.js';
import { createIndexer, type Indexer } from '../src/start.js';

export const redisUrl = (): string => serviceUrls().redisUrl;
export const esUrl = (): string => serviceUrls().elasticsearchUrl;

export interface Harness {
  prefix: string;
  index: string;
  key: Buffer;
  config: IndexerConfig;
  connection: Redis;
  es: Client;
  producer: Producer<'sync.index'>;
  events: QueueEvents;
  registry: Registry;
  indexer: Indexer;
  close(): Promise<void>;
}

/** A fresh prefix, index, key and running indexer; `close()` removes all of it. */
export async function startHarness(
  env: Record<string, string> = {},
  options: { run?: boolean } = {},
): Promise<Harness> {
  const prefix = uniquePrefix();
  const index = `test-idx-${randomUUID().slice(0, 8)}`;
  const key = randomBytes(32);
  const config = loadIndexerConfig({
    REDIS_URL: redisUrl(),
    ELASTICSEARCH_URL: esUrl(),
    ELASTICSEARCH_INDEX: index,
    QUEUE_PREFIX: prefix,
    SYNC_SEAL_KEY: key.toString('hex'),
    INDEXER_FLUSH_MS: '50',
    INDEXER_RATE_LIMIT_MS: '200',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const connection = await connectRedis(config.redis.url, 'producer');
  const es = createEsClient({ url: config.elasticsearch.url });
  const producer = createProducer(QueueName.index, { connection, prefix });
  const eventsConnection = createRedisConnection(config.redis.url, 'worker');
  const events = new QueueEvents(QueueName.index, { connection: eventsConnection, prefix });
  await events.waitUntilReady();
  const registry = new Registry();
  const indexer = await createIndexer(config, createSilentLogger(), { registry });
  if (options.run !== false) void indexer.run();
  await indexer.worker.waitUntilReady();
  return {
    prefix,
    index,
    key,
    config,
    connection,
    es,
    producer,
    events,
    registry,
    indexer,
    async close() {
      await indexer.close();
      await events.close();
      eventsConnection.disconnect();
      await producer.close();
      await obliterateAll(connection, prefix);
      await es.indices.delete({
        index: `${index},${index}-*`,
        ignore_unavailable: true,
        allow_no_indices: true,
      });
      await es.indices.deleteIndexTemplate({ name: recordsTemplateName(index) }, { ignore: [404] });
      await es.close();
      connection.disconnect();
    },
  };
}

export const didOf = (soul: string) => `did:gun:${soul}`;

/** The document the transform stage would build for (soul, version). */
export function aDocument(
  soul: string,
  version: number,
  overrides: { data?: Record<string, unknown>; oip?: Record<string, unknown> } = {},
) {
  const did = didOf(soul);
  return {
    data: { basic: { name: `name v${version}` }, ...overrides.data },
    oip: {
      did,
      didTx: did,
      recordType: 'post',
      indexedAt: new Date(version).toISOString(),
      ver: '0.8.0',
      storage: 'gun',
      creator: { didAddress: 'did:arweave:creator', publicKey: 'pk' },
      sync: {
        soul,
        version,
        versionSource: 'indexedAt',
        syncedAt: new Date().toISOString(),
        sourceNodeId: 'node-a',
      },
      ...overrides.oip,
    },
  };
}

/** Seals and enqueues an index-document job, as the transform stage does. */
export async function enqueueIndex(
  h: Harness,
  soul: string,
  version: number,
  source = aDocument(soul, version),
): Promise<Job> {
  const did = didOf(soul);
  const document = { _id: did, _index: h.index, version, _source: source };
  const sealed = seal(document, h.key, sealContext({ soul, version }));
  const bytes = Buffer.byteLength(JSON.stringify(document));
  await h.producer.add(
    JobName.indexDocument,
    { did, soul, version, sealed, bytes },
    { jobId: jobIdFor('index', soul, version) },
  );
  return (await h.producer.queue.getJob(jobIdFor('index', soul, version))) as Job;
}

export async function enqueueDelete(h: Harness, soul: string, version: number): Promise<Job> {
  await h.producer.add(
    JobName.deleteDocument,
    { did: didOf(soul), soul, version },
    { jobId: jobIdFor('delete', soul, version) },
  );
  return (await h.producer.queue.getJob(jobIdFor('delete', soul, version))) as Job;
}

export async function finished(h: Harness, job: Job, timeoutMs = 20_000): Promise<unknown> {
  return job.waitUntilFinished(h.events, timeoutMs);
}

export async function getSource(
  h: Harness,
  soul: string,
): Promise<{ found: boolean; version?: number; source?: ReturnType<typeof aDocument> }> {
  const res = await h.es.get<ReturnType<typeof aDocument>>(
    { index: h.index, id: didOf(soul) },
    { ignore: [404] },
  );
  return res.found
    ? {
        found: true,
        ...(res._version !== undefined ? { version: res._version } : {}),
        ...(res._source ? { source: res._source } : {}),
      }
    : { found: false };
}

/** The value of a metric series (sum over matching labels), read from the registry. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) =>
      Object.entries(labels).every(
        ([k, val]) => String((v.labels as Record<string, unknown>)[k]) === val,
      ),
    )
    .reduce((sum, v) => sum + v.value, 0);
}

/** Waits for `check` to hold, polling; fails with `what` after the timeout. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** How many `_bulk` requests the indexer sent (the duration histogram's count). */
export async function bulkRequests(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('sync_indexer_bulk_duration_seconds');
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter(
      (v) =>
        (v as { metricName?: string }).metricName === 'sync_indexer_bulk_duration_seconds_count',
    )
    .reduce((sum, v) => sum + v.value, 0);
}

/**
 * A TCP forwarder in front of Elasticsearch that a test can stop and start again on the same
 * port: a real outage (connection refused, sockets cut) with no change to the client.
 */
export async function startEsProxy(target: string) {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const start = async () => {
    const next = createServer((client) => {
      const remote = connect(Number(upstream.port), upstream.hostname);
      track(client);
      track(remote);
      client.pipe(remote).pipe(client);
      client.on('close', () => remote.destroy());
      remote.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };
  const stop = async () => {
    const current = server;
    server = undefined;
    for (const s of sockets) s.destroy();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await start();
  return { url: () => `http://127.0.0.1:${port}`, start, stop };
}
