/**
 * Two real relays peered over loopback (B dials A's /gun), a writer on A's side and a reader on
 * B's side, for each implementation of @sync/gun-client (and across them), on each disk store.
 */
import { loadVector } from '../../../spec/vectors.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGunRegistry,
  createGunRegistryWriter,
  type GunClientMode,
  type GunNode,
  type GunRegistry,
  type IndexEntry,
  type RegistryWriter,
} from '@sync/gun-client';
import { call, durableStores, log, startRelayPair, waitFor } from './support.js';

interface RegistryVector {
  nodes: Record<string, GunNode>;
  expectedDiscovery: IndexEntry[];
  expectedDeleted: string[];
}
interface RecordsVector {
  cases: { name: string; soul: string; nodes: Record<string, GunNode> }[];
}
const registry = loadVector<RegistryVector>('registry');
const records = loadVector<RecordsVector>('records');
const registrySoul = 'oip:registry:nodes:node-a:82d1ad726425:post-001';
const creatorPubKey = registry.nodes[registrySoul]?.creatorPubKey as string;
const deletedEntry = registry.nodes['oip:deleted:records:did:gun:82d1ad726425:gone-001'] as {
  deletedBy: string;
  deletedAt: number;
};

let pair: Awaited<ReturnType<typeof startRelayPair>>;

function clients(writerMode: GunClientMode, readerMode: GunClientMode, root: string) {
  const peer = (url: string, mode: GunClientMode) => (mode === 'wire' ? `${url}/gun` : url);
  const writer = createGunRegistryWriter({
    mode: writerMode,
    peers: [peer(pair.a.url, writerMode)],
    root,
    writeTimeoutMs: 10_000,
    readTimeoutMs: 5_000,
    log,
  });
  const reader = createGunRegistry({
    mode: readerMode,
    peers: [peer(pair.b.url, readerMode)],
    root,
    recordTypes: ['post'],
    readTimeoutMs: 5_000,
    concurrency: 8,
    pollIntervalMs: 100,
    log,
  });
  return { writer, reader };
}

describe.each(durableStores)('on the %s store', (store) => {
  beforeAll(async () => {
    pair = await startRelayPair({ store });
  });
  afterAll(() => pair.close());

  describe.each([
    ['wire', 'wire'],
    ['http', 'http'],
    ['http', 'wire'],
    ['wire', 'http'],
  ] as const)('writer %s on relay A, reader %s on relay B', (writerMode, readerMode) => {
    // Each combination gets its own registry root, so entries of one do not leak into another.
    const root = `oip:registry-${writerMode}-${readerMode}`;
    let writer: RegistryWriter;
    let reader: GunRegistry;
    beforeAll(() => {
      ({ writer, reader } = clients(writerMode, readerMode, root));
    });
    afterAll(async () => {
      await reader.close();
      await writer.close();
    });

    it('discovers an entry registered on the other side', async () => {
      await writer.register({
        recordType: 'post',
        soul: '82d1ad726425:post-001',
        creatorPubKey,
        nodeId: 'node-a',
        timestamp: 1761991200500,
      });
      const index = await reader.readTypeIndex('post');
      expect(index).toEqual({ status: 'found', value: registry.expectedDiscovery });
      expect(await reader.listRecordTypes()).toContain('post');
    });

    it('is not-found for a type nobody registered', async () => {
      expect(await reader.readTypeIndex('neverRegistered')).toEqual({ status: 'not-found' });
    });

    it('sees a new entry registered on the other relay live', async () => {
      const seen: IndexEntry[] = [];
      const unsubscribe = reader.subscribe(['post'], (entry) => seen.push(entry));
      try {
        // HTTP polls: let the first poll take its baseline before the new entry exists.
        if (readerMode === 'http')
          await waitFor(
            () =>
              seen.length === 0 && reader.readTypeIndex('post').then((r) => r.status === 'found'),
          );
        const soul = `82d1ad726425:live-${writerMode}-${readerMode}-${Date.now()}`;
        await writer.register({
          recordType: 'post',
          soul,
          creatorPubKey,
          nodeId: 'node-a',
          timestamp: 1761991300000,
        });
        const entry = await waitFor(
          () => seen.find((e) => e.soul === soul),
          10_000,
          'the live entry',
        );
        expect(entry).toEqual({
          recordType: 'post',
          soul,
          nodeId: 'node-a',
          timestamp: 1761991300000,
        });
      } finally {
        unsubscribe();
      }
    });

    it('round-trips the deletion registry', async () => {
      const did = `did:gun:82d1ad726425:gone-${writerMode}-${readerMode}`;
      await writer.markDeleted(did, deletedEntry.deletedBy, {
        now: new Date(deletedEntry.deletedAt),
      });
      const deleted = await reader.readDeleted();
      expect(deleted.status === 'found' && deleted.value).toContain(did);
    });
  });

  describe('what our writer puts on the wire', () => {
    it.each(['wire', 'http'] as const)(
      'reads back from the peered relay equal to vectors/registry.json (%s writer)',
      async (mode) => {
        const { writer, reader } = clients(mode, 'http', 'oip:registry');
        await writer.register({
          recordType: 'post',
          soul: '82d1ad726425:post-001',
          creatorPubKey,
          nodeId: 'node-a',
          timestamp: 1761991200500,
        });
        await writer.markDeleted('did:gun:82d1ad726425:gone-001', deletedEntry.deletedBy, {
          now: new Date(deletedEntry.deletedAt),
        });
        await writer.close();
        await reader.close();
        for (const [soul, node] of Object.entries(registry.nodes)) {
          const answer = await call('GET', `${pair.b.url}/get?soul=${encodeURIComponent(soul)}`);
          const data = (answer.body as { data: GunNode }).data;
          if (soul === 'oip:deleted:records:did:gun:82d1ad726425:gone-001') {
            // The vector's ISO timestamp is not the ISO form of its deletedAt; both come from one clock here.
            expect(data).toEqual({
              ...node,
              timestamp: new Date(deletedEntry.deletedAt).toISOString(),
            });
          } else if (soul === 'oip:deleted:records:index') {
            expect(data).toMatchObject(node); // also holds the DIDs the tests above marked
          } else {
            expect(data).toEqual(node);
          }
        }
      },
    );
  });

  describe.each(['wire', 'http'] as const)(
    'records written as raw nodes, read back by the %s reader',
    (mode) => {
      let reader: GunRegistry;
      beforeAll(async () => {
        for (const testCase of records.cases) {
          for (const [soul, node] of Object.entries(testCase.nodes)) {
            expect((await call('POST', `${pair.a.url}/put`, { soul, data: node })).status).toBe(
              200,
            );
          }
        }
        reader = createGunRegistry({
          mode,
          peers: [mode === 'wire' ? `${pair.b.url}/gun` : pair.b.url],
          readTimeoutMs: 5_000,
          concurrency: 8,
          log,
        });
      });
      afterAll(() => reader.close());

      it.each(records.cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
        expect(await reader.readRecord(testCase.soul)).toEqual({
          status: 'found',
          value: { soul: testCase.soul, nodes: testCase.nodes },
        });
      });

      it('is not-found for a record nobody has', async () => {
        expect(await reader.readRecord('82d1ad726425:does-not-exist')).toEqual({
          status: 'not-found',
        });
      });
    },
  );
});
