import { describe, expect, it } from 'vitest';
import { decodeRecentValue, recentSlots, toRecentWrite } from './recent.js';

describe(toRecentWrite.name, () => {
  it("writes one field in the writer's ring, its value a JSON string", () => {
    const write = toRecentWrite('oip:registry', 'node-a', recentSlots + 3, {
      kind: 'registration',
      entry: { recordType: 'post', soul: 'pub:1', nodeId: 'node-a', timestamp: 5 },
    });
    expect(write.soul).toBe('oip:registry:v2:recent');
    expect(Object.keys(write.node)).toEqual(['node-a~3']);
    expect(decodeRecentValue(write.node['node-a~3'])).toEqual({
      kind: 'registration',
      entry: { recordType: 'post', soul: 'pub:1', nodeId: 'node-a', timestamp: 5 },
    });
  });
});

describe(decodeRecentValue.name, () => {
  it('reads deletions', () => {
    expect(
      decodeRecentValue(JSON.stringify({ kind: 'deletion', did: 'did:gun:a:1', deletedAt: 9 })),
    ).toEqual({ kind: 'deletion', did: 'did:gun:a:1', deletedAt: 9, nodeId: null });
  });

  it('is null for anything else', () => {
    for (const value of [
      null,
      7,
      'not json',
      '{"kind":"other"}',
      '{"kind":"registration","soul":"s","recordType":"bad type"}',
      '{"kind":"registration","recordType":"post"}',
      '{"kind":"deletion"}',
      '[1]',
    ])
      expect(decodeRecentValue(value)).toBeNull();
  });
});
