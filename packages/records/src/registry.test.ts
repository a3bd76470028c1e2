import { describe, expect, it } from 'vitest';
import {
  DELETION_INDEX_SOUL,
  registryIndexSoul,
  toDeletedDids,
  toRegistryEntries,
} from './registry.js';
import { loadVector } from './testing.js';

interface RegistryVectors {
  nodes: Record<string, Record<string, unknown>>;
  expectedDiscovery: { recordType: string; soul: string; nodeId: string; timestamp: number }[];
  expectedDeleted: string[];
}

const vectors = loadVector<RegistryVectors>('registry');

describe('registry graph with the golden vectors (registry.json)', () => {
  it('discovers every index entry with its registering node', () => {
    const types = [...new Set(vectors.expectedDiscovery.map((e) => e.recordType))];
    expect(types.flatMap((t) => toRegistryEntries(t, vectors.nodes))).toEqual(
      vectors.expectedDiscovery,
    );
  });

  it('lists deleted DIDs', () => {
    expect(toDeletedDids(vectors.nodes[DELETION_INDEX_SOUL])).toEqual(vectors.expectedDeleted);
  });
});

describe(toRegistryEntries.name, () => {
  it('uses the key as the soul when the child node was not read, and skips metadata and removed entries', () => {
    const nodes = {
      [registryIndexSoul('post', 'r')]: {
        _: { '#': 'x' },
        'a:1': { '#': 'r:index:post/a:1' },
        'a:2': null,
        '#': 'y',
      },
    };
    expect(toRegistryEntries('post', nodes, 'r')).toEqual([
      { recordType: 'post', soul: 'a:1', nodeId: undefined, timestamp: undefined },
    ]);
  });

  it('accepts entries inlined by a relay that resolved them', () => {
    const nodes = {
      'oip:registry:index:image': { 'a:1': { soul: 'a:1', nodeId: 'n', timestamp: 5 } },
    };
    expect(toRegistryEntries('image', nodes)).toEqual([
      { recordType: 'image', soul: 'a:1', nodeId: 'n', timestamp: 5 },
    ]);
  });

  it('is empty without an index node', () => {
    expect(toRegistryEntries('post', {})).toEqual([]);
    expect(toRegistryEntries('toString', {})).toEqual([]);
  });
});

describe(toDeletedDids.name, () => {
  it('keeps only DIDs marked true', () => {
    expect(
      toDeletedDids({ 'did:gun:a:1': true, 'did:gun:a:2': null, _: {}, 'did:gun:a:3': 'yes' }),
    ).toEqual(['did:gun:a:1']);
    expect(toDeletedDids(undefined)).toEqual([]);
  });
});
