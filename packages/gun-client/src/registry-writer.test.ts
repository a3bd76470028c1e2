import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '@sync/logging';
import { GunWriteError, InvalidPutError, UpstreamError } from './errors.js';
import type { GunNode } from './types.js';
import { createRegistryWriter, type RegistryWriterOptions } from './registry-writer.js';
import { createMemoryGraph, loadVector, type RegistryVector } from './testing.js';
import { notFound, readError } from './read-result.js';

const vector = loadVector<RegistryVector>('registry');
const log = createSilentLogger();
const creatorPubKey = vector.nodes['oip:registry:nodes:node-a:82d1ad726425:post-001']
  ?.creatorPubKey as string;
const registration = {
  recordType: 'post',
  soul: '82d1ad726425:post-001',
  creatorPubKey,
  nodeId: 'node-a',
  timestamp: 1761991200500,
};

/** A writer with this suite's logger and roots ('oip:registry', 'd') unless `options` say otherwise. */
function writerWith(
  options: Pick<RegistryWriterOptions, 'sink' | 'source'> & Partial<RegistryWriterOptions>,
) {
  return createRegistryWriter({ root: 'oip:registry', deletedRoot: 'd', log, ...options });
}

/** A fresh in-memory graph and a writer that writes to it and reads it back. */
function graphWriter(options: Partial<RegistryWriterOptions> = {}) {
  const graph = createMemoryGraph();
  return { graph, writer: writerWith({ sink: graph, source: graph, ...options }) };
}

describe(createRegistryWriter.name, () => {
  it('writes the registry graph of the vectors and reads each node back', async () => {
    const { graph, writer } = graphWriter({ layout: 'legacy', deletedRoot: 'oip:deleted:records' });
    await writer.register(registration);
    const expected = Object.fromEntries(
      Object.entries(vector.nodes).filter(([soul]) => soul.startsWith('oip:registry:')),
    );
    expect(graph.nodes).toEqual(expected);
    expect(graph.reads).toContain('oip:registry:index:post.82d1ad726425:post-001');
    expect(graph.reads).not.toContain('oip:registry:index:post');
  });

  it('adds one field per registration and never rewrites the index', async () => {
    const graph = createMemoryGraph({
      'oip:registry:index:post': { 'x:old': { '#': 'oip:registry:index:post/x:old' } },
    });
    const puts: string[] = [];
    const sink = {
      putNode: async (soul: string, node: Record<string, unknown>) => (
        puts.push(`${soul} ${Object.keys(node).join(',')}`),
        graph.putNode(soul, node)
      ),
    };
    const writer = writerWith({ sink, source: graph });
    await writer.register(registration);
    expect(puts).toContain('oip:registry:index:post 82d1ad726425:post-001');
    expect(Object.keys(graph.nodes['oip:registry:index:post'] ?? {})).toEqual([
      'x:old',
      '82d1ad726425:post-001',
    ]);
  });

  it('lists a new type in the relay bookkeeping node when asked to', async () => {
    const { graph, writer } = graphWriter({
      layout: 'legacy',
      bookkeeping: true,
      now: () => new Date(5),
    });
    await writer.register(registration);
    expect(graph.nodes['index:oip']).toEqual({
      'oip:registry:index:post': { '#': 'index:oip/oip:registry:index:post' },
    });
    expect(graph.nodes['index:oip/oip:registry:index:post']).toEqual({
      recordType: null,
      storedAt: 5,
    });
  });

  it('writes a deletion mark', async () => {
    const { graph, writer } = graphWriter({ root: 'r', deletedRoot: 'oip:deleted:records' });
    await writer.markDeleted('did:gun:a:1', 'pub', { now: new Date(1000) });
    expect(graph.nodes).toEqual({
      'oip:deleted:records:did:gun:a:1': {
        deletedAt: 1000,
        deletedBy: 'pub',
        timestamp: '1970-01-01T00:00:01.000Z',
        did: 'did:gun:a:1',
      },
      'oip:deleted:records:index': { 'did:gun:a:1': true },
    });
  });

  it('fails when a write never reads back', async () => {
    const lossy = { putNode: async () => undefined };
    const writer = writerWith({ sink: lossy, source: createMemoryGraph(), root: 'r' });
    await expect(writer.register(registration)).rejects.toBeInstanceOf(GunWriteError);
  });

  it('writes without reading back when verification is off', async () => {
    const writes: string[] = [];
    const source = { readNode: async () => notFound<Record<string, unknown>>() };
    const writer = writerWith({
      layout: 'legacy',
      sink: { putNode: async (soul: string) => void writes.push(soul) },
      source,
      root: 'r',
      verify: false,
    });
    await writer.register(registration);
    expect(writes).toHaveLength(3);
  });

  it('refuses what GUN cannot store before sending anything', async () => {
    const { graph, writer } = graphWriter({ layout: 'legacy', root: 'r' });
    await expect(
      writer.register({ ...registration, soul: 'bad\u0001soul' }),
    ).rejects.toBeInstanceOf(InvalidPutError);
    expect(graph.nodes).toEqual({});
  });
});

describe('registry writer: node entries and the users directory', () => {
  it('reads this node’s registration of a soul, and not-found for another node', async () => {
    const { writer } = graphWriter();
    await writer.register(registration);
    const mine = await writer.readNodeEntry('node-a', registration.soul);
    expect(mine).toMatchObject({
      status: 'found',
      value: { soul: registration.soul, nodeId: 'node-a', recordType: 'post' },
    });
    expect(await writer.readNodeEntry('node-b', registration.soul)).toEqual(notFound());
  });

  it('publishes a user as public key, creation time and node only, one directory field per user', async () => {
    const { graph, writer } = graphWriter();
    await writer.publishUser({
      publicKey: 'user-key-1',
      createdAt: 1700000000000,
      nodeId: 'node-a',
    });
    await writer.publishUser({ publicKey: 'user-key-2', nodeId: 'node-a' });
    const directory = graph.nodes['oip:registry:users'] ?? {};
    expect(Object.keys(directory)).toHaveLength(2);
    const [first] = Object.keys(directory).filter(
      (k) => graph.nodes[`oip:registry:users/${k}`]?.publicKey === 'user-key-1',
    );
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(graph.nodes[`oip:registry:users/${first}`]).toEqual({
      publicKey: 'user-key-1',
      createdAt: 1700000000000,
      nodeId: 'node-a',
    });
  });
});

describe('prepare', () => {
  const bucketList = 'oip:registry:v2:buckets:post';

  it('reads the bucket state ahead, so the first registration does not wait for it', async () => {
    const { graph, writer } = graphWriter();
    expect(await writer.prepare(['post', 'image'])).toEqual({ prepared: 2, failed: 0 });
    expect(graph.reads).toContain(bucketList);
    graph.reads.length = 0;
    await writer.register(registration);
    expect(graph.reads).not.toContain(bucketList);
    expect(Object.keys(graph.nodes[bucketList] ?? {})).toHaveLength(1);
  });

  it('counts a type it could not read and leaves it to the first registration', async () => {
    const graph = createMemoryGraph();
    const source = {
      ...graph,
      readNode: async (soul: string, options?: Parameters<typeof graph.readNode>[1]) =>
        soul === bucketList
          ? readError<GunNode>(new UpstreamError('SYNC_GUN_UNAVAILABLE', 'relay down'))
          : graph.readNode(soul, options),
    };
    const writer = writerWith({ sink: graph, source });
    expect(await writer.prepare(['post', 'image'])).toEqual({ prepared: 1, failed: 1 });
  });

  it('reads nothing for the legacy layout', async () => {
    const { graph, writer } = graphWriter({ layout: 'legacy' });
    expect(await writer.prepare(['post'])).toEqual({ prepared: 0, failed: 0 });
    expect(graph.reads).toEqual([]);
  });
});
