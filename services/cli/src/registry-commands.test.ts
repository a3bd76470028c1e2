import { describe, expect, it } from 'vitest';
import { toRegistryDiff, toRegistryStats } from './registry-commands.js';
import { toUserIdentity } from './migrate-users.js';

describe(toRegistryStats.name, () => {
  it('counts entries by type and by node id', () => {
    const entries = [
      { recordType: 'post', soul: 'a:1', nodeId: 'n1', timestamp: 1 },
      { recordType: 'post', soul: 'a:2', nodeId: 'n2', timestamp: 1 },
      { recordType: 'image', soul: 'a:3', nodeId: null, timestamp: null },
    ];
    expect(toRegistryStats({ entries, types: ['image', 'post'], unreadable: [] })).toEqual({
      total: 3,
      byType: { post: 2, image: 1 },
      byNodeId: { n1: 1, n2: 1, '(none)': 1 },
      unreadable: [],
    });
  });
});

describe(toRegistryDiff.name, () => {
  it('lists what is missing on either side, sorted, at most `show` of each', () => {
    const diff = toRegistryDiff(new Set(['c', 'a', 'b', 'x']), new Set(['x', 'y', 'z']), 2);
    expect(diff).toEqual({
      registry: 4,
      elasticsearch: 3,
      missingInElasticsearch: { count: 3, souls: ['a', 'b'] },
      missingInRegistry: { count: 2, souls: ['y', 'z'] },
      unreadable: [],
    });
  });
});

describe(toUserIdentity.name, () => {
  it('keeps the public key and creation time, nothing else', () => {
    const source = {
      publicKey: 'AQAB-public-key-0123456789',
      createdAt: '2025-01-02T03:04:05.000Z',
      email: 'a@b.c',
    };
    expect(toUserIdentity(source, 'n')).toEqual({
      publicKey: source.publicKey,
      createdAt: Date.parse(source.createdAt),
      nodeId: 'n',
    });
    expect(
      toUserIdentity({ publicKey: source.publicKey, createdAt: 1700000000000.5 }, 'n'),
    ).toEqual({ publicKey: source.publicKey, createdAt: 1700000000000, nodeId: 'n' });
    expect(toUserIdentity({ publicKey: source.publicKey, createdAt: 'yesterday' }, 'n')).toEqual({
      publicKey: source.publicKey,
      nodeId: 'n',
    });
  });

  it('skips users without a usable public key', () => {
    expect(toUserIdentity({ email: 'a@b.c' }, 'n')).toBeNull();
    expect(toUserIdentity({ publicKey: 'short' }, 'n')).toBeNull();
  });
});
