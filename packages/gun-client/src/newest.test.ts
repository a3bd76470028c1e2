import { describe, expect, it } from 'vitest';
import {
  hamPrefers,
  keepNewest,
  mergeFields,
  newerEntry,
  newestGraph,
  newestNode,
  nodeVersion,
  preferValue,
} from './newest.js';
import type { GunNode, IndexEntry, RecordGraph } from './types.js';

const entry = (nodeId: string | null, timestamp: number | null): IndexEntry => ({
  recordType: 'post',
  soul: 'pub:x',
  nodeId,
  timestamp,
});

describe(hamPrefers.name, () => {
  it('takes the higher state, and the lexically larger JSON on equal states (GUN HAM)', () => {
    expect(hamPrefers({ value: 'a', state: 2 }, { value: 'z', state: 1 })).toBe(true);
    expect(hamPrefers({ value: 'z', state: 1 }, { value: 'a', state: 2 })).toBe(false);
    expect(hamPrefers({ value: 'b', state: 1 }, { value: 'a', state: 1 })).toBe(true);
    expect(hamPrefers({ value: 'a', state: 1 }, { value: 'b', state: 1 })).toBe(false);
    expect(hamPrefers({ value: 'a', state: 1 }, { value: 'a', state: 1 })).toBe(false);
    // JSON, not the raw value: '"x"' sorts before 'null'.
    expect(hamPrefers({ value: 'x', state: 1 }, { value: null, state: 1 })).toBe(false);
  });
});

describe(nodeVersion.name, () => {
  it('reads a registry timestamp, an oip indexedAt, a meta created, a deletion deletedAt', () => {
    expect(nodeVersion({ soul: 's', timestamp: 5 })).toBe(5);
    expect(nodeVersion({ oip: '{"indexedAt":"1970-01-01T00:00:01.000Z"}', data: '{}' })).toBe(1000);
    expect(nodeVersion({ oip: { indexedAt: 7 } })).toBe(7);
    expect(nodeVersion({ created: 9, encrypted: false })).toBe(9);
    expect(nodeVersion({ deletedAt: 3, timestamp: '1970-01-01T00:00:00.003Z' })).toBe(3);
  });

  it('is null for a node without a version of its own', () => {
    expect(nodeVersion({ encrypted: 'x', iv: 'y', tag: 'z' })).toBeNull();
    expect(nodeVersion({ oip: 'not json', data: 'x' })).toBeNull();
    expect(nodeVersion({ timestamp: Number.NaN })).toBeNull();
  });
});

describe(preferValue.name, () => {
  it('takes the value whose own version is newer, then the lexically larger', () => {
    const older = JSON.stringify({ soul: 's', nodeId: 'z', timestamp: 1 });
    const newer = JSON.stringify({ soul: 's', nodeId: 'a', timestamp: 2 });
    expect(preferValue(older, newer)).toBe(newer);
    expect(preferValue(newer, older)).toBe(newer);
    expect(preferValue('a', 'b')).toBe('b');
    expect(preferValue('b', 'a')).toBe('b');
  });
});

describe(newestNode.name, () => {
  it('picks the answer with the newest version whatever the order', () => {
    const old = { soul: 's', nodeId: 'a', timestamp: 1, extra: 'old' };
    const young = { soul: 's', nodeId: 'a', timestamp: 2 };
    expect(newestNode([old, young])).toEqual(young);
    expect(newestNode([young, old])).toEqual(young);
    expect(newestNode([{ soul: 's' }, young])).toEqual(young);
    expect(newestNode([])).toBeUndefined();
  });

  it('merges answers that tie, field by field', () => {
    expect(
      newestNode([
        { a: 'x', timestamp: 1 },
        { b: 'y', timestamp: 1 },
      ]),
    ).toEqual({
      a: 'x',
      b: 'y',
      timestamp: 1,
    });
    expect(mergeFields([{ a: '1' }, { a: '2' }])).toEqual(mergeFields([{ a: '2' }, { a: '1' }]));
  });

  it('keeps a __proto__ field a field (the node is not re-parented)', () => {
    const hostile = JSON.parse('{"__proto__":{"data":"x"},"a":"1"}') as GunNode;
    const merged = mergeFields([hostile]);
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'a']);
    expect('data' in merged).toBe(false);
  });
});

describe(newerEntry.name, () => {
  it('keeps the later registration, an entry without a timestamp losing', () => {
    expect(newerEntry(entry('a', 1), entry('b', 2))).toEqual(entry('b', 2));
    expect(newerEntry(entry('b', 2), entry('a', 1))).toEqual(entry('b', 2));
    expect(newerEntry(entry('a', null), entry('b', 0))).toEqual(entry('b', 0));
  });

  it('breaks ties by node id, so the order of reading never matters', () => {
    expect(newerEntry(entry('a', 1), entry('b', 1))).toEqual(entry('b', 1));
    expect(newerEntry(entry('b', 1), entry('a', 1))).toEqual(entry('b', 1));
    expect(newerEntry(entry(null, 1), entry('a', 1))).toEqual(entry('a', 1));
  });

  it('keeps one entry per soul in a map', () => {
    const entries = new Map<string, IndexEntry>();
    for (const e of [entry('a', 3), entry('a', 9), entry('a', 5)]) keepNewest(entries, e);
    expect([...entries.values()]).toEqual([entry('a', 9)]);
  });
});

describe(newestGraph.name, () => {
  const graph = (indexedAt: string | null, child: GunNode): RecordGraph => ({
    soul: 'a:1',
    nodes: {
      'a:1': {
        data: { '#': 'a:1/data' },
        ...(indexedAt ? { oip: JSON.stringify({ indexedAt }) } : {}),
      },
      'a:1/data': child,
    },
  });
  const whole = (root: GunNode) => 'data' in root && 'oip' in root;
  const old = graph('2026-11-01T00:00:00.000Z', { iv: 'b', tag: 'b' });
  const newer = graph('2026-11-02T00:00:00.000Z', { iv: 'a', tag: 'a' });
  const partial = graph(null, { iv: 'c', tag: 'c' });

  it('takes the copy whose root is newest, whole, whatever the order of the relays', () => {
    expect(newestGraph([old, newer], whole)).toBe(newer);
    expect(newestGraph([newer, old], whole)).toBe(newer);
  });

  it('prefers a whole root to a partial one, and is undefined without copies', () => {
    expect(newestGraph([partial, old], whole)).toBe(old);
    expect(newestGraph([partial], whole)).toBe(partial);
    expect(newestGraph([], whole)).toBeUndefined();
  });

  it('breaks a tie by the larger copy, then lexically, independent of order', () => {
    const bigger = graph('2026-11-01T00:00:00.000Z', { iv: 'a', tag: 'a' });
    bigger.nodes['a:1/meta'] = { created: 1 };
    expect(newestGraph([old, bigger], whole)).toBe(bigger);
    expect(newestGraph([bigger, old], whole)).toBe(bigger);
    const twin = graph('2026-11-01T00:00:00.000Z', { iv: 'c', tag: 'a' });
    expect(newestGraph([old, twin], whole)).toBe(newestGraph([twin, old], whole));
  });
});
