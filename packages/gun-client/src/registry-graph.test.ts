import { describe, expect, it } from 'vitest';
import { toDeletionWrites, toRegistrationWrites } from './registry-graph.js';
import { loadVector, type RegistryVector } from './testing.js';
import { findPutProblem } from './validate-put.js';

const vector = loadVector<RegistryVector>('registry');
const creatorPubKey = vector.nodes['oip:registry:nodes:node-a:82d1ad726425:post-001']
  ?.creatorPubKey as string;

describe(toRegistrationWrites.name, () => {
  const writes = toRegistrationWrites('oip:registry', {
    recordType: 'post',
    soul: '82d1ad726425:post-001',
    creatorPubKey,
    nodeId: 'node-a',
    timestamp: 1761991200500,
  });

  it('produces exactly the registry graph of the vectors', () => {
    const graph = Object.fromEntries(writes.map((w) => [w.soul, w.node]));
    const expected = Object.fromEntries(
      Object.entries(vector.nodes).filter(([soul]) => soul.startsWith('oip:registry:')),
    );
    expect(graph).toEqual(expected);
  });

  it('writes the child before the index field that links to it, one field per entry', () => {
    expect(writes.map((w) => w.soul)).toEqual([
      'oip:registry:index:post/82d1ad726425:post-001',
      'oip:registry:nodes:node-a:82d1ad726425:post-001',
      'oip:registry:index:post',
    ]);
    expect(Object.keys(writes[2]?.node ?? {})).toEqual(['82d1ad726425:post-001']);
  });

  it('writes nothing GUN would refuse', () => {
    for (const write of writes) expect(findPutProblem(write.node)).toBeNull();
  });

  it('defaults the DID and the timestamp', () => {
    const [, entry] = toRegistrationWrites(
      'root',
      { recordType: 'post', soul: 's:1', creatorPubKey: 'k', nodeId: 'n' },
      () => 42,
    );
    expect(entry?.node).toMatchObject({ did: 'did:gun:s:1', timestamp: 42 });
  });
});

describe(toDeletionWrites.name, () => {
  // The vector's ISO `timestamp` (2026-…) is not the ISO form of its `deletedAt` (2025-…);
  // OIP takes both from the clock at once, so we derive both from one instant.
  it('produces the deletion graph of the vectors, both times from one instant', () => {
    const entrySoul = 'oip:deleted:records:did:gun:82d1ad726425:gone-001';
    const deleted = vector.nodes[entrySoul];
    const writes = toDeletionWrites(
      'oip:deleted:records',
      'did:gun:82d1ad726425:gone-001',
      deleted?.deletedBy as string,
      new Date(1762000000000),
    );
    const graph = Object.fromEntries(writes.map((w) => [w.soul, w.node]));
    const expected = Object.fromEntries(
      Object.entries(vector.nodes).filter(([soul]) => soul.startsWith('oip:deleted:')),
    );
    expect(graph).toEqual({
      ...expected,
      [entrySoul]: { ...expected[entrySoul], timestamp: '2025-11-01T12:26:40.000Z' },
    });
  });
});
