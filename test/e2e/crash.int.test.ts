/**
 * Crash recovery: the transform and indexer processes are SIGKILLed in the middle of a
 * 2,000-record backfill and started again. BullMQ gives the jobs they held back (stalled-job
 * recovery), deterministic ids and external versions make redelivery harmless: the final index
 * is exactly the published set.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createGunRegistryWriter, type RegistryWriter } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { JobName, QueueName, connectRedis, createProducer } from '@sync/queues';
import { obliterateAll } from '@sync/queues/testing';
import { startRelayPair } from '../../services/gun-relay/test/support.js';
import { serviceUrls } from '../services.js';
import { createPublisher, oipPut, putViaRelay } from '../support/oip-publisher.js';
import { waitFor } from '../support/node.js';
import { startServiceProcess, type ServiceProcess } from '../support/processes.js';

const total = Number(process.env.E2E_CRASH_RECORDS ?? 2000);
const log = createSilentLogger();

describe(`crash recovery over ${total} records`, () => {
  let pair: Awaited<ReturnType<typeof startRelayPair>>;
  let writer: RegistryWriter;
  let redis: Redis;
  let es: Client;
  let env: Record<string, string>;
  const procs: ServiceProcess[] = [];
  const id = randomUUID().slice(0, 8);
  const prefix = `crash-${id}`;
  const index = `crash-records-${id}`;
  const publisher = createPublisher();
  const expected = new Set<string>();

  const count = async () => {
    await es.indices.refresh({ index, ignore_unavailable: true });
    return (await es.count({ index, ignore_unavailable: true })).count;
  };
  const start = (service: string) => {
    const p = startServiceProcess(service, env);
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    const urls = serviceUrls();
    pair = await startRelayPair({ radisk: false });
    writer = createGunRegistryWriter({
      mode: 'http',
      peers: [pair.a.url],
      writeTimeoutMs: 10_000,
      readTimeoutMs: 5_000,
      log,
    });
    const started = Date.now();
    const indices = Array.from({ length: total }, (_, i) => i);
    for (let i = 0; i < indices.length; i += 32) {
      await Promise.all(
        indices.slice(i, i + 32).map(async (n) => {
          const put = oipPut(publisher, {
            localId: `c-${n}`,
            recordType: 'post',
            indexedAt: new Date(1_762_000_000_000 + n),
            data: { basic: { name: `Crash ${n}`, tagItems: ['x'] } },
          });
          await putViaRelay(pair.a.url, put);
          await writer.register({
            recordType: 'post',
            soul: put.soul,
            creatorPubKey: publisher.publicKey,
            nodeId: 'node-a',
          });
          expected.add(`did:gun:${put.soul}`);
        }),
      );
    }
    process.stdout.write(`[crash] published ${total} records in ${Date.now() - started} ms\n`);
    redis = await connectRedis(urls.redisUrl, 'producer');
    es = new Client({ node: urls.elasticsearchUrl });
    env = {
      REDIS_URL: urls.redisUrl,
      QUEUE_PREFIX: prefix,
      ELASTICSEARCH_URL: urls.elasticsearchUrl,
      ELASTICSEARCH_INDEX: index,
      SYNC_SEAL_KEY: randomBytes(32).toString('hex'),
      GUN_CLIENT_MODE: 'http',
      GUN_PEERS: pair.b.url,
      GUN_NODE_ID_OVERRIDE: 'node-b',
      GUN_SYNC_RECORD_TYPES: 'post',
      GUN_SYNC_INTERVAL: '600000',
      DISCOVERY_LIVE: 'false',
      PROBE_PORT: '0',
      LOG_LEVEL: 'info',
      // Small batches and few workers keep the run long enough to be interrupted.
      TRANSFORM_CONCURRENCY: '4',
      INDEXER_CONCURRENCY: '16',
      INDEXER_BATCH_MAX_DOCS: '16',
      INDEXER_FLUSH_MS: '20',
    };
  }, 300_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await obliterateAll(redis, prefix);
    await es?.indices.delete({ index, ignore_unavailable: true });
    redis?.disconnect();
    await es?.close();
    await writer?.close();
    await pair?.close();
  });

  it('ends with exactly the published set after SIGKILL of transform and indexer mid-run', async () => {
    const discovery = start('discovery');
    let transform = start('transform');
    let indexer = start('indexer');
    const queue = createProducer(QueueName.discover, { connection: redis, prefix });
    await waitFor(
      'the discovery worker',
      async () => discovery.output().includes('discovery started'),
      60_000,
    );
    await queue.add(JobName.discoverRegistry, {
      scope: 'all',
      force: false,
      requestedBy: 'api',
      requestedAt: new Date().toISOString(),
    });
    await queue.close();

    const killAt = Math.floor(total * 0.3);
    await waitFor(
      `${killAt} documents before the crash`,
      async () => (await count()) >= killAt,
      180_000,
      100,
    );
    await Promise.all([transform.kill(), indexer.kill()]);
    const atCrash = await count();
    process.stdout.write(
      `[crash] SIGKILLed transform and indexer at ${atCrash}/${total} documents\n`,
    );
    expect(atCrash).toBeLessThan(total);

    const restarted = Date.now();
    transform = start('transform');
    indexer = start('indexer');
    await waitFor(
      `all ${total} documents after the restart`,
      async () => (await count()) >= total,
      240_000,
      250,
    );
    process.stdout.write(`[crash] complete ${Date.now() - restarted} ms after the restart\n`);

    const res = await es.search<{ oip: { did: string } }>({
      index,
      size: 10_000,
      _source: ['oip.did'],
      query: { match_all: {} },
    });
    const ids = res.hits.hits.map((h) => h._id);
    expect(ids).toHaveLength(total);
    expect(new Set(ids)).toEqual(expected);
    for (const p of [discovery, transform, indexer]) expect(await p.stop()).toBe(0);
  }, 600_000);
});
