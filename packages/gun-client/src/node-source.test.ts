import { describe, expect, it } from 'vitest';
import { readRecordGraph, resolveIndexEntry } from './graph-reader.js';
import { toRawNode } from './http/http-peer.js';
import { toCleanNode } from './node-source.js';
import { found } from './read-result.js';

/** What JSON.parse (a relay answer, a GUN message) makes of a `__proto__` key: an own field. */
const hostile = () =>
  JSON.parse(
    '{"__proto__":{"data":"{}","oip":"{}","soul":"x","nodeId":"n","timestamp":1},"a":1}',
  ) as Record<string, unknown>;

describe(toCleanNode.name, () => {
  it('keeps a __proto__ key as an own field and never re-parents the node', () => {
    for (const node of [toCleanNode(hostile()), toRawNode(hostile())]) {
      expect(Object.keys(node).sort()).toEqual(['__proto__', 'a']);
      expect(Object.hasOwn(node, '__proto__')).toBe(true);
      expect('data' in node).toBe(false);
      expect('oip' in node).toBe(false);
      expect(Object.getPrototypeOf(node)).toBeNull();
    }
  });

  it('lets no inherited field pass a completeness check', async () => {
    const source = {
      readNode: async () => found(toCleanNode(hostile())),
    };
    const graph = await readRecordGraph(source, 'a:1', { concurrency: 1 });
    // The root answered without data and oip of its own: it is whatever it is, not "complete".
    expect(graph.status === 'found' && Object.keys(graph.value.nodes['a:1'] ?? {}).sort()).toEqual([
      '__proto__',
      'a',
    ]);
    const entry = await resolveIndexEntry(source, 'post', 'k', { '#': 'r:index:post/k' });
    expect(entry).toEqual(found({ recordType: 'post', soul: 'k', nodeId: null, timestamp: null }));
  });
});
