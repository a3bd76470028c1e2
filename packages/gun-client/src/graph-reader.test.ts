import { toIndexListing } from './index-listing.js';
import { describe, expect, it } from 'vitest';
import {
  readDeletedDids,
  readIndexEntries,
  readRecordGraph,
  resolveIndexEntry,
} from './graph-reader.js';
import {
  createMemoryGraph,
  loadVector,
  type RecordsVector,
  type RegistryVector,
} from './testing.js';
import { createHttpSource } from './http/http-source.js';
import type { HttpPeer } from './http/http-peer.js';
import { found, notFound } from './read-result.js';
import type { GunNode } from './types.js';

const registry = loadVector<RegistryVector>('registry');
const records = loadVector<RecordsVector>('records');

describe(readIndexEntries.name, () => {
  it('resolves the index links of the vectors to the expected discovery', async () => {
    const source = createMemoryGraph(registry.nodes);
    const result = await readIndexEntries(source, 'oip:registry:index:post', 'post', {
      concurrency: 4,
    });
    expect(result).toEqual({ status: 'found', value: registry.expectedDiscovery });
  });

  it('keeps an entry whose child node is missing, with the key as soul', async () => {
    const source = createMemoryGraph({ 'r:index:post': { 'a:1': { '#': 'r:index:post/a:1' } } });
    const result = await readIndexEntries(source, 'r:index:post', 'post', { concurrency: 1 });
    expect(result).toEqual({
      status: 'found',
      value: [{ recordType: 'post', soul: 'a:1', nodeId: null, timestamp: null }],
    });
  });

  it('is not-found for a type nobody registered', async () => {
    expect(
      await readIndexEntries(createMemoryGraph(), 'r:index:none', 'none', { concurrency: 1 }),
    ).toEqual({ status: 'not-found' });
  });
});

describe(resolveIndexEntry.name, () => {
  it('uses an inline entry as it is (relays that resolved links)', async () => {
    const result = await resolveIndexEntry(createMemoryGraph(), 'post', 'a:1', {
      soul: 'a:1',
      nodeId: 'n',
      timestamp: 5,
    });
    expect(result).toEqual({
      status: 'found',
      value: { recordType: 'post', soul: 'a:1', nodeId: 'n', timestamp: 5 },
    });
  });
});

describe(readRecordGraph.name, () => {
  it.each(records.cases.map((c) => [c.name, c] as const))(
    'reads back %s',
    async (_name, testCase) => {
      const source = createMemoryGraph(testCase.nodes);
      const result = await readRecordGraph(source, testCase.soul, { concurrency: 4 });
      expect(result).toEqual({
        status: 'found',
        value: { soul: testCase.soul, nodes: testCase.nodes },
      });
    },
  );

  it('does not follow links out of the record', async () => {
    const source = createMemoryGraph({
      'a:1': { data: '{}', oip: '{}', other: { '#': 'b:2' } },
      'b:2': { x: 1 },
    });
    const result = await readRecordGraph(source, 'a:1', { concurrency: 1 });
    expect(result.status === 'found' && Object.keys(result.value.nodes)).toEqual(['a:1']);
    expect(source.reads).toEqual(['a:1']);
  });

  it('leaves a missing child out and keeps its link', async () => {
    const source = createMemoryGraph({
      'a:1': { data: '{}', oip: '{}', meta: { '#': 'a:1/meta' } },
    });
    const result = await readRecordGraph(source, 'a:1', { concurrency: 1 });
    expect(result).toEqual({
      status: 'found',
      value: {
        soul: 'a:1',
        nodes: { 'a:1': { data: '{}', oip: '{}', meta: { '#': 'a:1/meta' } } },
      },
    });
  });

  it('is not-found when the root is missing', async () => {
    expect(await readRecordGraph(createMemoryGraph(), 'a:1', { concurrency: 1 })).toEqual({
      status: 'not-found',
    });
  });
});

describe(readDeletedDids.name, () => {
  it('lists the DIDs of the vectors marked deleted', async () => {
    expect(
      await readDeletedDids(createMemoryGraph(registry.nodes), 'oip:deleted:records:index'),
    ).toEqual({ status: 'found', value: registry.expectedDeleted });
  });

  it('leaves out unmarked DIDs (null) and non-DID keys', async () => {
    const source = createMemoryGraph({
      'd:index': { 'did:gun:a:1': true, 'did:gun:a:2': null, junk: true },
    });
    expect(await readDeletedDids(source, 'd:index')).toEqual({
      status: 'found',
      value: ['did:gun:a:1'],
    });
  });
});

describe('reading linked nodes', () => {
  it('reads a linked child again when it first answers not-found', async () => {
    const graph = createMemoryGraph({
      'a:1': { data: '{}', oip: '{}', meta: { '#': 'a:1/meta' } },
      'a:1/meta': { created: 1 },
    });
    let misses = 1;
    const flaky = {
      readNode: async (soul: string) => {
        if (soul === 'a:1/meta' && misses-- > 0) return { status: 'not-found' } as const;
        return graph.readNode(soul);
      },
    };
    const result = await readRecordGraph(flaky, 'a:1', { concurrency: 1 });
    expect(result.status === 'found' && Object.keys(result.value.nodes)).toEqual([
      'a:1',
      'a:1/meta',
    ]);
  });

  it('reports a record once when two index keys link to its entry', async () => {
    const source = createMemoryGraph({
      'r:index:post': { 'a:1': { '#': 'r:index:post/a:1' }, 'a:': { '#': 'r:index:post/a:1' } },
      'r:index:post/a:1': { soul: 'a:1', nodeId: 'n', timestamp: 1 },
    });
    const result = await readIndexEntries(source, 'r:index:post', 'post', { concurrency: 2 });
    expect(result.status === 'found' && result.value).toEqual([
      { recordType: 'post', soul: 'a:1', nodeId: 'n', timestamp: 1 },
    ]);
  });
});

describe('reading a record from several relays', () => {
  /** A relay answering `/get` from its own graph. */
  const relay = (nodes: Record<string, GunNode>): HttpPeer => ({
    baseUrl: 'http://relay',
    getNode: async (soul) => (nodes[soul] ? found(nodes[soul]) : notFound()),
    getIndex: async (soul) => (nodes[soul] ? found(toIndexListing(soul, nodes[soul])) : notFound()),
    putNode: async () => {},
    close() {},
  });
  const oip = (indexedAt: string) => JSON.stringify({ did: 'did:gun:a:1', indexedAt });
  // A private record's envelope is a child node without a version of its own (spec §3).
  const newer = {
    'a:1': { data: { '#': 'a:1/data' }, oip: oip('2026-11-02T00:00:00.000Z') },
    'a:1/data': { encrypted: 'bbbb', iv: 'aaaa', tag: 'bbbb' },
  };
  const older = {
    'a:1': { data: { '#': 'a:1/data' }, oip: oip('2026-11-01T00:00:00.000Z') },
    'a:1/data': { encrypted: 'aaaa', iv: 'bbbb', tag: 'aaaa' },
  };

  it('takes the child nodes from the relay whose root is newest, never field by field from several', async () => {
    for (const peers of [
      [relay(newer), relay(older)],
      [relay(older), relay(newer)],
    ]) {
      const result = await readRecordGraph(createHttpSource(peers), 'a:1', { concurrency: 2 });
      expect(result).toEqual(found({ soul: 'a:1', nodes: newer }));
    }
  });
});
