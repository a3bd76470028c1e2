/**
 * Records the sync policy skips are accounted for (issue 15): an entry of an untrusted node, of
 * this node, of a type the filter excludes, and a private record while GUN_SYNC_PRIVATE_RECORDS
 * is false are reported under `skipped` with their reason, never as unaccounted. The private
 * record is only known to be skipped once the transform stage has read it: reconcile --fix
 * sends it there, and the next reconcile must find it skipped, not unaccounted again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryWriter } from '@sync/gun-client';
import { createStats } from '@sync/state';
import type { ReconcileReport } from '@sync/discovery/reconcile';
import { waitFor, type TestNode } from '../../../test/support/node.js';
import { createPublisher, oipPut, putViaRelay } from '../../../test/support/oip-publisher.js';
import { runCaptured, startRegistryFixture, type RelayPair } from './support.js';

const base = Date.parse('2026-11-01T10:00:00.000Z');

describe('gun-sync reconcile: records skipped by policy', () => {
  let pair: RelayPair;
  let writer: RegistryWriter;
  let node: TestNode;
  const publisher = createPublisher();
  const souls: Record<string, string> = {};

  const publish = async (
    localId: string,
    { recordType = 'post', nodeId = 'node-a', isPrivate = false } = {},
  ) => {
    const p = oipPut(publisher, {
      localId,
      recordType,
      indexedAt: new Date(base),
      private: isPrivate,
      data: { basic: { name: localId }, [recordType]: { articleText: localId } },
    });
    await putViaRelay(pair.a.url, p);
    await writer.register({
      recordType,
      soul: p.soul,
      creatorPubKey: publisher.publicKey,
      nodeId,
      timestamp: Date.now(),
    });
    souls[localId] = p.soul;
  };

  const reconcileJson = async (...flags: string[]) => {
    const res = await runCaptured(node.env, ['reconcile', '--json', ...flags]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    return JSON.parse(res.stdout) as ReconcileReport;
  };

  beforeAll(async () => {
    ({ pair, writer, node } = await startRegistryFixture((relays) => ({
      GUN_PEERS: relays.a.url,
      GUN_SYNC_ENABLED: 'false',
      GUN_NODE_ID_OVERRIDE: 'node-b',
      GUN_SYNC_PRIVATE_RECORDS: 'false',
      GUN_SYNC_TRUSTED_NODES: 'node-a,node-b',
      GUN_SYNC_RECORD_TYPES: 'post,image',
      RECORD_TYPE_INDEX_MODE: 'blacklist',
      RECORD_TYPE_INDEX_BLACKLIST: 'image',
    })));
    await publish('public');
    await publish('private', { isPrivate: true });
    await publish('untrusted', { nodeId: 'node-x' });
    await publish('own', { nodeId: 'node-b' });
    await publish('filtered', { recordType: 'image' });
  }, 120_000);

  afterAll(async () => {
    await node?.close();
    await writer?.close();
    await pair?.close();
  });

  it('reports untrusted, own, type-filtered and private-disabled entries as skipped with their reason', async () => {
    const first = await reconcileJson('--fix');
    // Before the transform stage read them, the public and the private record are both missing.
    expect(first.counts.unaccounted.count).toBe(2);
    expect(first.fixed).toEqual({ transform: 2, delete: 0 });
    const stats = createStats(node.redis, node.prefix);
    await waitFor(
      'the transform stage to index the public record and skip the private one',
      async () => {
        const { skippedByReason } = await stats.snapshot(Date.now());
        return (await node.count()) === 1 && (skippedByReason['private-sync-disabled'] ?? 0) === 1;
      },
      30_000,
    );

    const report = await reconcileJson();
    expect(report.counts.unaccounted.count).toBe(0);
    expect(report.counts.missing.count).toBe(0);
    expect(report.counts.skipped.count).toBe(4);
    expect(report.counts.skipped.byReason).toEqual({
      'private-sync-disabled': 1,
      untrusted: 1,
      own: 1,
      'type-filtered': 1,
    });
    expect(report.counts.skipped.samples).toContainEqual({
      soul: souls.private,
      reason: 'private-sync-disabled',
    });
    const fix = await reconcileJson('--fix');
    expect(fix.fixed).toEqual({ transform: 0, delete: 0 });
  });
});
