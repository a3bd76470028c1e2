import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('coalesce', () => {
  it('hands the calls of one turn to one flush and each caller its own result', async () => {
    const flushes: number[][] = [];
    const double = coalesce<number, number>(async (items) => {
      flushes.push([...items]);
      return items.map((n) => n * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(flushes).toEqual([[1, 2, 3]]);
    // A later turn is a flush of its own.
    expect(await double(5)).toBe(10);
    expect(flushes).toEqual([[1, 2, 3], [5]]);
  });

  it('flushes at maxItems without waiting for the turn to end', async () => {
    const flushes: number[][] = [];
    const echo = coalesce<number, number>(async (items) => {
      flushes.push([...items]);
      return items;
    }, 2);
    const results = Promise.all([1, 2, 3, 4, 5].map(echo));
    expect(flushes).toEqual([]); // flush runs after a microtask, never inside the call
    await Promise.resolve();
    expect(flushes).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await results).toEqual([1, 2, 3, 4, 5]);
    expect(flushes).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails every call of a failed flush, and only those', async () => {
    let fail = true;
    const write = coalesce<string, void>(async () => {
      if (fail) throw new Error('redis down');
      return [];
    });
    const first = [write('a'), write('b')].map((p) =>
      p.then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    await turn();
    fail = false;
    const later = write('c');
    expect(await Promise.all(first)).toEqual(['redis down', 'redis down']);
    await expect(later).resolves.toBeUndefined();
  });

  it('a flush that throws before its first await fails its calls, not the process', async () => {
    const write = coalesce<string, void>(() => {
      throw new Error('bad argument');
    });
    await expect(write('a')).rejects.toThrow('bad argument');
  });
});
