import { describe, expect, it } from 'vitest';
import { resolveLinks, toApiNode } from './to-api-node.js';

describe(toApiNode.name, () => {
  it("answers OIP's /get shape: data and oip parsed, links kept, metadata and nulls dropped", () => {
    expect(
      toApiNode({
        _: { '#': 'a' },
        data: '{"x":1}',
        oip: 'not json',
        meta: { '#': 'a/meta' },
        gone: null,
        n: 0,
      }),
    ).toEqual({
      data: { x: 1 },
      oip: 'not json',
      meta: { '#': 'a/meta' },
      n: 0,
    });
  });
});

describe(resolveLinks.name, () => {
  const nodes: Record<string, Record<string, unknown>> = {
    'a/meta': { created: 1, more: { '#': 'a/meta/more' } },
    'a/meta/more': { deep: true, back: { '#': 'a/meta' } },
  };
  const read = async (soul: string) => nodes[soul] ?? null;

  it('replaces links by the nodes they point to, without looping', async () => {
    expect(
      await resolveLinks({ meta: { '#': 'a/meta' }, gone: { '#': 'nowhere' } }, read, {
        maxDepth: 4,
        maxNodes: 10,
      }),
    ).toEqual({
      meta: { created: 1, more: { deep: true, back: { '#': 'a/meta' } } },
      gone: { '#': 'nowhere' },
    });
  });

  it('stops at the depth limit', async () => {
    expect(
      await resolveLinks({ meta: { '#': 'a/meta' } }, read, { maxDepth: 1, maxNodes: 10 }),
    ).toEqual({
      meta: { created: 1, more: { '#': 'a/meta/more' } },
    });
  });
});
