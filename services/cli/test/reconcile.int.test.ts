/**
 * `gun-sync reconcile` against real services: two relays (A, this node's; B, an external one
 * peered to A), a gun-sync node whose discovery never runs on its own (GUN_SYNC_ENABLED=false:
 * only its transform and indexer work), and an index brought into every state by hand. The
 * report must name each case, `--fix` must heal a missing, a stale and a should-be-deleted
 * document through the pipeline, and bad input must be one line and exit 1, never a report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryWriter } from '@sync/gun-client';
import { createDeadLetters, createStats } from '@sync/state';
import type { ReconcileReport } from '@sync/discovery/reconcile';
import { waitFor, type TestNode } from '../../../test/support/node.js';
import { freePort } from '../../../test/support/ports.js';
import {
  createPublisher,
  oipPut,
  publishOnA,
  putViaRelay,
} from '../../../test/support/oip-publisher.js';
import { runCaptured, startRegistryFixture, type RelayPair } from './support.js';

const base = Date.parse('2026-11-01T10:00:00.000Z');

describe('gun-sync reconcile', () => {
  let pair: RelayPair;
  let writer: RegistryWriter;
  let node: TestNode;
  let env: Record<string, string>;
  const publisher = createPublisher();
  const did = (soul: string) => `did:gun:${soul}`;

  const put = (localId: string, at: number) =>
    oipPut(publisher, {
      localId,
      recordType: 'post',
      indexedAt: new Date(at),
      data: { basic: { name: `${localId} at ${at}` }, post: { articleText: localId } },
    });

  /** Publishes a record on relay A and registers it (at `registeredAt`) as `nodeId`. */
  const publish = async (localId: string, at: number, registeredAt: number, nodeId = 'node-a') => {
    const p = put(localId, at);
    await putViaRelay(pair.a.url, p);
    await writer.register({
      recordType: 'post',
      soul: p.soul,
      creatorPubKey: publisher.publicKey,
      nodeId,
      timestamp: registeredAt,
    });
    return p.soul;
  };

  const cli = (argv: string[], over: Record<string, string> = {}) =>
    runCaptured({ ...env, ...over }, argv);

  const reconcileJson = async (...flags: string[]) => {
    const res = await cli(['reconcile', '--json', ...flags]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    return JSON.parse(res.stdout) as ReconcileReport & { command: string };
  };

  const versionOf = async (soul: string) => {
    const res = await node.es.get({ index: node.index, id: did(soul) }, { ignore: [404] });
    return res.found ? res._version : undefined;
  };

  let souls: Record<'ok' | 'missing' | 'stale' | 'deleted' | 'letter' | 'own', string>;
  const orphan = 'aaaaaaaaaaaa:orphan';
  let staleVersion = 0;

  beforeAll(async () => {
    ({ pair, writer, node } = await startRegistryFixture((relays) => ({
      GUN_PEERS: relays.a.url,
      GUN_EXTERNAL_PEERS: relays.b.url,
      GUN_SYNC_ENABLED: 'false',
      GUN_NODE_ID_OVERRIDE: 'node-b',
    })));
    env = { ...node.env };
    const now = Date.now();
    // Indexed through the pipeline first: ok, stale (its first version) and deleted.
    const first = {
      ok: await publish('ok', base, now - 60_000),
      stale: await publish('stale', base + 1_000, now - 60_000),
      deleted: await publish('deleted', base + 2_000, now - 60_000),
    };
    const healed = await reconcileJson('--fix');
    expect(healed.fixed).toEqual({ transform: 3, delete: 0 });
    await waitFor('the first three indexed', async () => (await node.count()) === 3, 30_000);

    // Then the registry moves on while this node's discovery stays off.
    staleVersion = base + 10_000;
    const edited = put('stale', staleVersion);
    await publishOnA(pair.a.url, writer, publisher, edited, Date.now() + 1_000);
    await writer.markDeleted(did(first.deleted), publisher.publicKey);
    souls = {
      ...first,
      missing: await publish('missing', base + 3_000, Date.now()),
      letter: await publish('letter', base + 4_000, Date.now()),
      own: await publish('own', base + 5_000, Date.now(), 'node-b'),
    };
    await createDeadLetters(node.redis, node.prefix).record({
      soul: souls.letter,
      stage: 'transform',
      reason: 'bad-signature',
      detail: 'creator signature invalid',
      at: Date.now(),
    });
    await node.es.index({
      index: node.index,
      id: did(orphan),
      version: base,
      version_type: 'external',
      document: {
        data: {},
        oip: { did: did(orphan), didTx: did(orphan), recordType: 'post', storage: 'gun' },
      },
      refresh: true,
    });
  }, 120_000);

  afterAll(async () => {
    await node?.close();
    await writer?.close();
    await pair?.close();
  });

  it('reports each state with samples, and --fix heals missing, stale and should-be-deleted', async () => {
    const report = await reconcileJson();
    const count = (state: keyof ReconcileReport['counts']) => report.counts[state].count;
    expect({
      missing: count('missing'),
      unaccounted: count('unaccounted'),
      queued: count('queued'),
      stale: count('stale'),
      shouldBeDeleted: count('shouldBeDeleted'),
      orphaned: count('orphaned'),
      deadLettered: count('deadLettered'),
      skipped: count('skipped'),
    }).toEqual({
      missing: 1,
      unaccounted: 1,
      queued: 0,
      stale: 1,
      shouldBeDeleted: 1,
      orphaned: 1,
      deadLettered: 1,
      skipped: 1,
    });
    expect(report.counts.unaccounted.samples).toEqual([
      { soul: souls.missing, recordType: 'post' },
    ]);
    expect(report.counts.stale.samples).toEqual([
      {
        soul: souls.stale,
        recordType: 'post',
        indexedVersion: base + 1_000,
        recordVersion: staleVersion,
      },
    ]);
    expect(report.counts.shouldBeDeleted.samples[0]?.did).toBe(did(souls.deleted));
    expect(report.counts.orphaned.samples).toEqual([{ did: did(orphan), indexedVersion: base }]);
    expect(report.counts.deadLettered).toMatchObject({ byReason: { 'bad-signature': 1 } });
    expect(report.counts.skipped).toMatchObject({ byReason: { own: 1 } });
    expect(report.fixed).toBeNull();

    const fix = await reconcileJson('--fix');
    expect(fix.fixed).toEqual({ transform: 2, delete: 1 });
    await waitFor(
      'the fix to heal the index',
      async () =>
        (await versionOf(souls.missing)) === base + 3_000 &&
        (await versionOf(souls.stale)) === staleVersion &&
        (await versionOf(souls.deleted)) === undefined,
      30_000,
    );

    const after = await reconcileJson();
    expect(
      Object.fromEntries(Object.entries(after.counts).map(([state, t]) => [state, t.count])),
    ).toEqual({
      missing: 0,
      stale: 0,
      shouldBeDeleted: 0,
      orphaned: 1,
      deadLettered: 1,
      skipped: 1,
      queued: 0,
      unaccounted: 0,
    });
    // Orphans are only deleted when asked to.
    expect(await versionOf(orphan)).toBe(base);
  });

  it('prints the human report', async () => {
    const res = await cli(['reconcile', '--type', 'post']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^reconcile: type post, 6 registry entries/);
    expect(res.stdout).toContain(`orphaned, first 1 of 1:\n  ${did(orphan)}`);
  });

  it("discovery's full scan reconciles and shares the counts (health JSON, /metrics)", async () => {
    const stats = createStats(node.redis, node.prefix);
    const before = Date.now();
    await node.discover('all');
    const summary = await waitFor(
      'a reconciliation after the scan',
      async () => {
        const { reconcile } = await stats.snapshot(Date.now());
        return reconcile && reconcile.at >= before ? reconcile : undefined;
      },
      30_000,
    );
    expect(summary.error).toBeUndefined();
    expect(summary.counts).toMatchObject({
      stale: 0,
      shouldBeDeleted: 0,
      orphaned: 1,
      deadLettered: 1,
      skipped: 1,
      unaccounted: 0,
    });
  });

  describe('bad input: one line, exit 1, never a report', () => {
    const expectFailure = (
      res: { code: number; stdout: string; stderr: string },
      pattern: RegExp,
    ) => {
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(pattern);
    };

    it('an unknown record type', async () => {
      expectFailure(
        await cli(['reconcile', '--type', 'nosuchtype', '--json']),
        /^gun-sync: unknown record type "nosuchtype"/,
      );
    });

    it('an unreachable relay among the configured ones', async () => {
      const port = await freePort();
      expectFailure(
        await cli(['reconcile', '--json'], { GUN_EXTERNAL_PEERS: `http://127.0.0.1:${port}` }),
        new RegExp(`^gun-sync: GUN relay http://127.0.0.1:${port} is unreachable`),
      );
    });

    it('Elasticsearch down', async () => {
      const port = await freePort();
      expectFailure(
        await cli(['reconcile', '--json'], { ELASTICSEARCH_URL: `http://127.0.0.1:${port}` }),
        /^gun-sync: Elasticsearch did not answer/,
      );
    });
  });
});
