/**
 * The bad-input corpus through the live pipeline: one relay, node A's registry and records
 * written through the relay's HTTP API, a whole gun-sync node (discovery, transform, indexer)
 * with signatures enforced. Every bad record is parked in the dead-letter set under its reason
 * and counted in the stats under the same reason; registry entries that never become jobs
 * (own, untrusted, reserved keys) are counted by discovery or not read at all; the good records,
 * published in between, are indexed exactly, and the node keeps working afterwards.
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
import { buildCorpus, type CorpusCase } from './corpus.js';

const log = createSilentLogger();
const goodCount = 24;

describe('bad-input corpus through the live pipeline', () => {
  let relay: TestRelay;
  let writer: RegistryWriter;
  let node: TestNode;
  const a = createPublisher();
  const other = createPublisher();
  const corpus: CorpusCase[] = buildCorpus(a, other);
  const good: PutRequest[] = Array.from({ length: goodCount }, (_, i) =>
    oipPut(a, {
      localId: `good-${i}`,
      recordType: 'post',
      indexedAt: new Date(1_763_000_000_000 + i),
      private: i % 6 === 0,
      data: { basic: { name: `Good ${i}`, tagItems: ['corpus'] } },
    }),
  );

  const register = (soul: string, nodeId = 'node-a') =>
    writer.register({ recordType: 'post', soul, creatorPubKey: a.publicKey, nodeId });

  beforeAll(async () => {
    relay = await startTestRelay({ store: 'memory' });
    writer = createGunRegistryWriter({
      mode: 'http',
      peers: [relay.url],
      writeTimeoutMs: 10_000,
      readTimeoutMs: 5_000,
      log,
    });
    // Good and bad interleaved, so a bad record next to a good one cannot take it down.
    const goods = [...good];
    for (const c of corpus) {
      for (const put of c.puts) await putViaRelay(relay.url, put);
      if (c.register !== false) await register(c.soul, c.nodeId);
      const g = goods.shift();
      if (g) {
        await putViaRelay(relay.url, g);
        await register(g.soul);
      }
    }
    for (const g of goods) {
      await putViaRelay(relay.url, g);
      await register(g.soul);
    }
    node = await startTestNode(serviceUrls(), {
      GUN_PEERS: relay.url,
      GUN_NODE_ID_OVERRIDE: 'node-b',
      GUN_SYNC_TRUSTED_NODES: 'node-a,node-b',
      GUN_SYNC_RECORD_TYPES: 'post',
      GUN_SYNC_VERIFY_SIGNATURES: 'enforce',
      GUN_MAX_RECORD_BYTES: String(64 * 1024),
      TRANSFORM_MISSING_ATTEMPTS: '2',
    });
  }, 240_000);

  afterAll(async () => {
    await node?.close();
    await writer?.close();
    await relay?.close();
    if (relay) rmSync(relay.dataDir, { recursive: true, force: true });
  });

  it(`has at least 30 kinds of bad input`, () => {
    expect(new Set(corpus.map((c) => c.kind)).size).toBe(corpus.length);
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it('parks every bad record under its reason, counts it, and indexes exactly the good ones', async () => {
    const dlq = createDeadLetters(node.redis, node.prefix);
    const parked = corpus.filter((c) => c.expect.kind === 'dead-letter');
    const indexedCases = corpus.filter((c) => c.expect.kind === 'indexed');
    const expectedIds = new Set([
      ...good.map((g) => `did:gun:${g.soul}`),
      ...indexedCases.map((c) => `did:gun:${c.soul}`),
    ]);
    const started = Date.now();
    await node.discover();
    // On a timeout the comparisons below say which case is off.
    await waitFor(
      `${parked.length} dead letters and ${expectedIds.size} documents`,
      async () => (await dlq.count()) >= parked.length && (await node.count()) >= expectedIds.size,
      60_000,
      250,
    ).catch((err: unknown) => process.stdout.write(`[corpus] ${String(err)}\n`));
    process.stdout.write(
      `[corpus] ${corpus.length} kinds, ${good.length} good records: settled in ${Date.now() - started} ms\n`,
    );

    const { items } = await dlq.list({ limit: 1000 });
    const got = Object.fromEntries(items.map((d) => [d.soul, `${d.stage}:${d.reason}`]));
    const want = Object.fromEntries(
      parked.map((c) => [
        c.soul,
        `${c.expect.kind === 'dead-letter' ? c.expect.stage : ''}:${c.expect.kind === 'dead-letter' ? c.expect.reason : ''}`,
      ]),
    );
    expect(got).toEqual(want);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const res = await node.es.search({
      index: node.index,
      size: 1000,
      _source: false,
      query: { match_all: {} },
    });
    const ids = res.hits.hits.map((h) => h._id);
    expect(ids).toHaveLength(expectedIds.size);
    expect(new Set(ids)).toEqual(expectedIds);
    for (const c of indexedCases) {
      if (c.expect.kind === 'indexed' && c.expect.check)
        c.expect.check((await node.get(`did:gun:${c.soul}`)) ?? {});
    }

    const byReason: Record<string, number> = {};
    for (const c of parked)
      if (c.expect.kind === 'dead-letter')
        byReason[c.expect.reason] = (byReason[c.expect.reason] ?? 0) + 1;
    // Entries that never become jobs: counted by discovery under their policy reason.
    const skippedByReason: Record<string, number> = {};
    for (const c of corpus)
      if (c.expect.kind === 'skipped-entry')
        skippedByReason[c.expect.reason] = (skippedByReason[c.expect.reason] ?? 0) + 1;
    // Discovery writes its skip counts when the scan ends, which can be after the last job ran.
    const stats = await waitFor(
      'the scan summary in the stats',
      async () => {
        const snap = await createStats(node.redis, node.prefix).snapshot(Date.now());
        return snap.skippedByReason.untrusted !== undefined ? snap : undefined;
      },
      30_000,
      100,
    );
    // Each dead letter is also counted as an error under the same reason.
    for (const [reason, n] of Object.entries(byReason))
      expect(stats.errorsByReason[reason], reason).toBe(n);
    // Every scan counts the entries it skipped (own ones only in its summary, not in the
    // stats); the node may have scanned more than once (at start and when asked), and a later
    // incremental scan lists only what changed. One scan saw them all; the stats hold the sum.
    const scans = new Queue(QueueName.discover, { connection: node.redis, prefix: node.prefix });
    const completed = await scans.getCompleted();
    await scans.close();
    const summaries = completed.map(
      (j) => (j.returnvalue as { skipped?: Record<string, number> }).skipped ?? {},
    );
    expect(summaries).toContainEqual({
      own: skippedByReason.own ?? 0,
      untrusted: skippedByReason.untrusted ?? 0,
      'type-filtered': 0,
    });
    expect(stats.skippedByReason.untrusted).toBe(
      summaries.reduce((sum, x) => sum + (x.untrusted ?? 0), 0),
    );
    process.stdout.write(
      `[corpus] errors by reason ${JSON.stringify(stats.errorsByReason)}; skipped ${JSON.stringify(stats.skippedByReason)}\n`,
    );
    // Never read: no dead letter, no document, no count.
    for (const c of corpus.filter((x) => x.expect.kind === 'ignored')) {
      expect(await dlq.get(c.soul)).toBeUndefined();
      expect(await node.get(`did:gun:${c.soul}`)).toBeUndefined();
    }
  }, 180_000);

  it('still indexes a good record published after the corpus', async () => {
    const late = oipPut(a, {
      localId: 'after-corpus',
      recordType: 'post',
      indexedAt: new Date(1_763_100_000_000),
      data: { basic: { name: 'After', tagItems: ['corpus'] } },
    });
    await putViaRelay(relay.url, late);
    await register(late.soul);
    await node.discover();
    await waitFor(
      'the late good record',
      async () => (await node.get(`did:gun:${late.soul}`)) !== undefined,
      60_000,
      100,
    );
  }, 90_000);
});
