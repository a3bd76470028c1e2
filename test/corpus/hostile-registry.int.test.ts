/**
 * The registry-level hostile corpus through a live node: one relay holding good registrations
 * and, in the same type index, every case of registry-corpus.ts written the way anyone can (the
 * relay's unauthenticated `/put`). Each scan must finish without an error, count every bad entry
 * under its reason, and the good records of the same type must all be indexed.
 */
import { rmSync } from 'node:fs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGunRegistryWriter, type RegistryWriter } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { QueueName } from '@sync/queues';
import { createDeadLetters, createStats } from '@sync/state';
import { startTestRelay, type TestRelay } from '../../services/gun-relay/test/support.js';
import { serviceUrls } from '../services.js';
import { createPublisher, oipPut, putViaRelay, type PutRequest } from '../support/oip-publisher.js';
import { startTestNode, waitFor, type TestNode } from '../support/node.js';
import { buildRegistryCorpus } from './registry-corpus.js';

const log = createSilentLogger();
const goodCount = 6;

interface ScanSummary {
  errors?: string[];
  invalid?: Record<string, number>;
  skipped?: Record<string, number>;
}

describe('hostile registry entries through the live pipeline', () => {
  let relay: TestRelay;
  let writer: RegistryWriter;
  let node: TestNode;
  const a = createPublisher();
  const corpus = buildRegistryCorpus();
  const good: PutRequest[] = Array.from({ length: goodCount }, (_, i) =>
    oipPut(a, {
      localId: `good-${i}`,
      recordType: 'post',
      indexedAt: new Date(1_763_000_000_000 + i),
      data: { basic: { name: `Good ${i}`, tagItems: ['hostile-registry'] } },
    }),
  );

  beforeAll(async () => {
    relay = await startTestRelay({ store: 'memory' });
    writer = createGunRegistryWriter({
      mode: 'http',
      peers: [relay.url],
      writeTimeoutMs: 10_000,
      readTimeoutMs: 5_000,
      log,
    });
    // Good and hostile interleaved in one type index.
    const goods = [...good];
    for (const c of corpus) {
      for (const put of c.puts) await putViaRelay(relay.url, put);
      const g = goods.shift();
      if (g) {
        await putViaRelay(relay.url, g);
        await writer.register({
          recordType: 'post',
          soul: g.soul,
          creatorPubKey: a.publicKey,
          nodeId: 'node-a',
        });
      }
    }
    expect(goods).toEqual([]);
    node = await startTestNode(serviceUrls(), {
      GUN_PEERS: relay.url,
      GUN_NODE_ID_OVERRIDE: 'node-b',
      GUN_SYNC_TRUSTED_NODES: 'node-a',
      GUN_SYNC_RECORD_TYPES: 'post',
      GUN_SYNC_VERIFY_SIGNATURES: 'enforce',
    });
  }, 120_000);

  afterAll(async () => {
    await node?.close();
    await writer?.close();
    await relay?.close();
    if (relay) rmSync(relay.dataDir, { recursive: true, force: true });
  });

  it('finishes every scan, counts each bad entry under its reason and indexes every good record', async () => {
    await node.discover();
    await waitFor(
      `${goodCount} good records indexed`,
      async () => (await node.count()) >= goodCount,
      60_000,
      200,
    );

    const invalid: Record<string, number> = {};
    for (const c of corpus)
      if (c.expect.kind === 'invalid')
        invalid[c.expect.reason] = (invalid[c.expect.reason] ?? 0) + 1;
    const untrusted = corpus.filter((c) => c.expect.kind === 'untrusted').length;

    // The forced scan and the one at start-up both completed, neither with an error.
    const scans = new Queue(QueueName.discover, { connection: node.redis, prefix: node.prefix });
    const summaries = await waitFor(
      'a completed full scan',
      async () => {
        const done = (await scans.getCompleted()).map((j) => j.returnvalue as ScanSummary);
        return done.some((s) => s.invalid) ? done : undefined;
      },
      30_000,
      100,
    );
    expect(await scans.getFailedCount()).toBe(0);
    await scans.close();
    for (const s of summaries) expect(s.errors).toEqual([]);
    expect(summaries).toContainEqual(
      expect.objectContaining({
        invalid: {
          'bad-soul': 0,
          'bad-node-id': 0,
          'bad-timestamp': 0,
          'bad-record-type': 0,
          ...invalid,
        },
        skipped: { own: 0, untrusted, 'type-filtered': 0 },
      }),
    );

    const stats = await createStats(node.redis, node.prefix).snapshot(Date.now());
    expect(stats.lastScanEndedAt).toBeDefined();
    for (const [reason, n] of Object.entries(invalid))
      expect(stats.skippedByReason[reason], reason).toBeGreaterThanOrEqual(n);

    const res = await node.es.search({
      index: node.index,
      size: 100,
      _source: false,
      query: { match_all: {} },
    });
    expect(new Set(res.hits.hits.map((h) => h._id))).toEqual(
      new Set(good.map((g) => `did:gun:${g.soul}`)),
    );
    // No hostile entry became a job that failed.
    expect(await createDeadLetters(node.redis, node.prefix).count()).toBe(0);
    expect(({} as Record<string, unknown>).soul).toBeUndefined();
  }, 120_000);
});
