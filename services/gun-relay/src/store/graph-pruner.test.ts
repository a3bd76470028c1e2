import { describe, expect, it } from 'vitest';
import { createGraphPruner } from './graph-pruner.js';

describe(createGraphPruner.name, () => {
  it('drops the least recently used nodes once over budget, and only then', () => {
    const graph: Record<string, unknown> = { a: {}, b: {}, c: {} };
    const pruner = createGraphPruner(graph, { maxBytes: 1500 });
    pruner.noteWrite('a', 'k', 'x'.repeat(100));
    pruner.noteWrite('b', 'k', 'x'.repeat(100));
    expect(pruner.prune()).toBe(0);
    pruner.touch('a'); // b is now the least recently used
    pruner.noteWrite('c', 'k', 'x'.repeat(200));
    expect(pruner.prune()).toBe(1);
    expect(Object.keys(graph).sort()).toEqual(['a', 'c']);
    expect(pruner.size().nodes).toBe(2);
    expect(pruner.size().bytes).toBeLessThanOrEqual(1500);
  });
});
