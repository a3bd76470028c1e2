/**
 * Two nodes end to end: node A publishes like OIP (records through its relay's /put, entries in
 * the GUN registry); node B runs the whole gun-sync pipeline against its own relay, which is
 * peered to A's, and indexes into its own Elasticsearch index. Everything is real: relays,
 * Redis, Elasticsearch; only the publisher is a test double of OIP's publishing code.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGunRegistryWriter, type RegistryWriter } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { JobName, QueueName, createProducer } from '@sync/queues';
import { createDeadLetters, createStats } from '@sync/state';
import { startRelayPair } from '../../services/gun-relay/test/support.js';
import { serviceUrls } from '../services.js';
import {
  createPublisher,
  oipPut,
  putViaRelay,
  type Publisher,
  type PutRequest,
} from '../support/oip-publisher.js';
import { adminToken, startTestNode, waitFor, type TestNode } from '../support/node.js';
import { scanRedisFor } from '../support/redis-scan.js';
import { inBatches } from '../support/batches.js';

const log = createSilentLogger();
const marker = `PRIVATE-MARKER-${randomUUID()}`;
const base = Date.parse('2026-11-01T10:00:00.000Z');
const publicCount = 200;
const privateCount = 20;

describe('two nodes: A publishes, B syncs', () => {
  let pair: Awaited<ReturnType<typeof startRelayPair>>;
  let writerA: RegistryWriter;
  let writerB: RegistryWriter;
  let b: TestNode;
  const a: Publisher = createPublisher();
  const x: Publisher = createPublisher();
  const own: Publisher = createPublisher();

  const record = (
    publisher: Publisher,
    i: number,
    extra: Partial<Parameters<typeof oipPut>[1]> = {},
  ) =>
    oipPut(publisher, {
      localId: `rec-${i}`,
      recordType: 'post',
      indexedAt: new Date(base + i * 1000),
      private: i >= publicCount,
      data: {
        basic: { name: `Record ${i}`, tagItems: ['sync', `t${i}`], date: 1_700_000_000 + i },
        post: {
          articleText: i >= publicCount ? `secret ${marker}` : `hello ${i}`,
          citations: [{ x: [1, 2] }],
        },
      },
      ...extra,
    });

  async function publish(
    writer: RegistryWriter,
    relayUrl: string,
    publisher: Publisher,
    nodeId: string,
    puts: PutRequest[],
  ): Promise<void> {
    await inBatches(puts, 8, async (put) => {
      await putViaRelay(relayUrl, put);
      await writer.register({
        recordType: 'post',
        soul: put.soul,
        creatorPubKey: publisher.publicKey,
        nodeId,
      });
    });
  }

  beforeAll(async () => {
    pair = await startRelayPair({ store: 'memory' });
    writerA = createGunRegistryWriter({
      mode: 'http',
      peers: [pair.a.url],
      writeTimeoutMs: 10_000,
      readTimeoutMs: 5_000,
      log,
    });
    writerB = createGunRegistryWriter({
      mode: 'http',
      peers: [pair.b.url],
      writeTimeoutMs: 10_000,
      readTimeoutMs: 5_000,
      log,
    });
    const started = Date.now();
    const recordsA = Array.from({ length: publicCount + privateCount }, (_, i) => record(a, i));
    // One record Elasticsearch will refuse: its indexedAt is not a date.
    const poison = record(a, 9999, { indexedAt: new Date(base) });
    const poisonOip = JSON.parse(poison.data.oip as string) as Record<string, unknown>;
    poison.data.oip = JSON.stringify({ ...poisonOip, indexedAt: 'not-a-date' });
    await publish(writerA, pair.a.url, a, 'node-a', [...recordsA, poison]);
    await publish(
      writerA,
      pair.a.url,
      x,
      'node-x',
      Array.from({ length: 5 }, (_, i) => record(x, i)),
    );
    await publish(
      writerB,
      pair.b.url,
      own,
      'node-b',
      Array.from({ length: 5 }, (_, i) => record(own, i)),
    );
    process.stdout.write(
      `[e2e] published ${recordsA.length + 11} records on two relays in ${Date.now() - started} ms\n`,
    );

    const urls = serviceUrls();
    b = await startTestNode(urls, {
      GUN_PEERS: pair.b.url,
      GUN_NODE_ID_OVERRIDE: 'node-b',
      GUN_SYNC_TRUSTED_NODES: 'node-a,node-b',
      GUN_SYNC_RECORD_TYPES: 'post',
      GUN_SYNC_VERIFY_SIGNATURES: 'enforce',
    });
  }, 240_000);

  afterAll(async () => {
    await b?.close();
    await writerA?.close();
    await writerB?.close();
    await pair?.close();
  });

  it('indexes every public and private record of A, and nothing of its own or of untrusted nodes', async () => {
    const started = Date.now();
    await b.discover();
    await waitFor(
      '220 documents on B',
      async () => (await b.count()) >= publicCount + privateCount,
      120_000,
      250,
    );
    process.stdout.write(
      `[e2e] node B indexed ${await b.count()} documents in ${Date.now() - started} ms\n`,
    );
    expect(await b.count()).toBe(publicCount + privateCount);

    const soul0 = `${a.publisherHash}:rec-0`;
    const doc = await b.get(`did:gun:${soul0}`);
    expect(doc).toMatchObject({
      data: {
        basic: { name: 'Record 0', tagItems: ['sync', 't0'] },
        post: { articleText: 'hello 0', citations: [{ x: [1, 2] }] },
      },
      oip: {
        did: `did:gun:${soul0}`,
        didTx: `did:gun:${soul0}`,
        storage: 'gun',
        recordType: 'post',
        ver: '0.8.0',
        creator: { publicKey: a.publicKey, didAddress: a.didAddress },
      },
    });
    expect(doc).not.toHaveProperty('meta');

    const privateDoc = await b.get(`did:gun:${a.publisherHash}:rec-${publicCount}`);
    expect(privateDoc).toMatchObject({
      data: { post: { articleText: `secret ${marker}` } },
      oip: { wasEncrypted: true, syncedFromNode: 'node-a' },
    });

    for (const skipped of [`${x.publisherHash}:rec-0`, `${own.publisherHash}:rec-0`])
      expect(await b.get(`did:gun:${skipped}`)).toBeUndefined();
    const stats = await createStats(b.redis, b.prefix).snapshot(Date.now());
    expect(stats.skippedByReason.untrusted).toBeGreaterThanOrEqual(5);
    expect(stats.counters.synced).toBeGreaterThanOrEqual(publicCount + privateCount);
  });

  it("reports OIP's health JSON with the real counts, and a force-sync handle that completes", async () => {
    const health = await fetch(`${b.node.apiUrl}/api/health/gun-sync`);
    const body = (await health.json()) as {
      status: string;
      metrics: Record<string, number>;
      registry: { recordsByType: Record<string, number> };
    };
    process.stdout.write(
      `[e2e] health: ${health.status} ${JSON.stringify({ status: body.status, metrics: body.metrics, registry: body.registry })}\n`,
    );
    expect(body).toMatchObject({
      service: 'gun-sync',
      status: expect.stringMatching(/^(healthy|unhealthy)$/),
      running: expect.any(Boolean),
      nodeId: 'node-b',
      metrics: {
        totalDiscovered: expect.any(Number),
        totalSynced: expect.any(Number),
        totalErrors: expect.any(Number),
        successRate: expect.stringMatching(/^\d+(\.\d+)?%$/),
        lastSyncTime: expect.any(String),
        lastSyncAgo: expect.stringMatching(/^\d+s ago$/),
        averageSyncTime: expect.stringMatching(/^\d+ms$/),
        syncCycles: expect.any(Number),
      },
      configuration: { privateRecordsEnabled: true, trustedNodes: ['node-a', 'node-b'] },
      registry: { nodeId: 'node-b', registryRoot: 'oip:registry' },
    });
    expect(body.metrics.totalDiscovered).toBeGreaterThanOrEqual(231);
    expect(body.metrics.totalSynced).toBeGreaterThanOrEqual(publicCount + privateCount);
    expect(body.registry.recordsByType.post).toBeGreaterThanOrEqual(231);
    expect(health.status).toBe(body.status === 'healthy' ? 200 : 503);

    const asked = Date.now();
    const force = await fetch(`${b.node.apiUrl}/api/health/gun-sync/force`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const answeredMs = Date.now() - asked;
    expect(force.status).toBe(202);
    const handle = (await force.json()) as { id: string };
    process.stdout.write(
      `[e2e] force-sync answered 202 in ${answeredMs} ms with handle ${handle.id}\n`,
    );
    expect(answeredMs).toBeLessThan(5_000);
    const done = await waitFor(
      'the forced scan to complete',
      async () => {
        const res = (await (
          await fetch(`${b.node.apiUrl}/api/health/gun-sync/force/${handle.id}`)
        ).json()) as { state: string };
        return res.state === 'completed' ? res : undefined;
      },
      60_000,
      200,
    );
    expect(done).toMatchObject({ state: 'completed' });
  });

  it('parks the record Elasticsearch rejects, with its reason, after one attempt', async () => {
    const dlq = createDeadLetters(b.redis, b.prefix);
    const entry = await waitFor(
      'the poison record in the dead-letter set',
      () => dlq.get(`${a.publisherHash}:rec-9999`),
      30_000,
    );
    expect(entry).toMatchObject({ stage: 'index', reason: 'es-rejected', attempts: 1 });
    // The poison record is private: its reason keeps Elasticsearch's error class, never a field path.
    expect(entry.detail).toMatch(/^document_parsing_exception/);
    expect(entry.detail).not.toMatch(/indexedAt|\[oip/);
    expect(await b.get(`did:gun:${a.publisherHash}:rec-9999`)).toBeUndefined();
  });

  it('follows an update, and ignores a replay of the older version', async () => {
    const soul = `${a.publisherHash}:rec-3`;
    const updated = record(a, 3, {
      indexedAt: new Date(base + 10_000_000),
      data: { basic: { name: 'Updated 3', tagItems: ['new'] } },
    });
    await publish(writerA, pair.a.url, a, 'node-a', [updated]);
    // Over HTTP the live path sees new entries only; a changed entry is found by the next scan.
    await b.discover();
    await waitFor(
      'the update on B',
      async () =>
        (await b.get(`did:gun:${soul}`))?.data !== undefined &&
        ((await b.get(`did:gun:${soul}`)) as { data: { basic: { name: string } } }).data.basic
          .name === 'Updated 3',
      30_000,
    );

    const stats = createStats(b.redis, b.prefix);
    const skippedBefore = (await stats.snapshot(Date.now())).counters.skipped ?? 0;
    await publish(writerA, pair.a.url, a, 'node-a', [record(a, 3)]);
    await b.discover();
    await waitFor(
      'the replay to be refused by version',
      async () => ((await stats.snapshot(Date.now())).counters.skipped ?? 0) > skippedBefore,
      30_000,
    );
    expect(
      ((await b.get(`did:gun:${soul}`)) as { data: { basic: { name: string } } }).data.basic.name,
    ).toBe('Updated 3');
  });

  it('deletes what A marks deleted, and a late older version does not bring it back', async () => {
    const soul = `${a.publisherHash}:rec-5`;
    const did = `did:gun:${soul}`;
    expect(await b.get(did)).toBeDefined();
    // Elasticsearch forgets a delete's version after gc_deletes; make that immediate.
    await b.es.indices.putSettings({ index: b.index, settings: { 'index.gc_deletes': '0s' } });
    await writerA.markDeleted(did, a.publicKey);
    await b.discover('deletions');
    await waitFor('the deletion on B', async () => (await b.get(did)) === undefined, 30_000);

    const transform = createProducer(QueueName.transform, {
      connection: b.redis,
      prefix: b.prefix,
    });
    const stats = createStats(b.redis, b.prefix);
    const skippedBefore = (await stats.snapshot(Date.now())).counters.skipped ?? 0;
    await transform.add(JobName.transformRecord, {
      soul,
      recordType: 'post',
      nodeId: 'node-a',
      trigger: 'force',
      discoveredAt: new Date().toISOString(),
    });
    await waitFor(
      'the late version to meet the tombstone',
      async () => ((await stats.snapshot(Date.now())).counters.skipped ?? 0) > skippedBefore,
      30_000,
    );
    await transform.close();
    expect(await b.get(did)).toBeUndefined();
  });

  it('makes a record registered on A while B runs searchable on B within seconds (live path)', async () => {
    const put = record(a, 500);
    const started = Date.now();
    await publish(writerA, pair.a.url, a, 'node-a', [put]);
    await waitFor(
      'the live record on B',
      async () => (await b.get(`did:gun:${put.soul}`)) !== undefined,
      20_000,
      50,
    );
    const delay = Date.now() - started;
    process.stdout.write(
      `[e2e] live: publish on A → searchable on B in ${delay} ms (relay poll 300 ms)\n`,
    );
    expect(delay).toBeLessThan(20_000);
  });

  it('leaves no private content in clear anywhere in Redis', async () => {
    const found = await scanRedisFor(b.redis, marker);
    process.stdout.write(
      `[e2e] scanned ${found.scanned} Redis keys for the private marker: ${found.matches.length} matches\n`,
    );
    expect(found.scanned).toBeGreaterThan(0);
    expect(found.matches).toEqual([]);
  });
});
