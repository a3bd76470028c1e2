import { describe, expect, it } from 'vitest';
import {
  initialConcurrency,
  nextConcurrency,
  type ConcurrencyState,
  type ReadWindow,
} from './concurrency-control.js';

const settings = { min: 4, max: 128, tolerance: 2 };
const window = (over: Partial<ReadWindow> = {}): ReadWindow => ({
  completed: 50,
  failed: 0,
  meanMs: 20,
  saturated: true,
  ...over,
});

describe(nextConcurrency.name, () => {
  it('starts at 16, or at the maximum when that is lower', () => {
    expect(initialConcurrency(settings).limit).toBe(16);
    expect(initialConcurrency({ ...settings, max: 8 }).limit).toBe(8);
  });

  it('raises the limit by half while reads wait for a slot and the answer time holds', () => {
    let state = initialConcurrency(settings);
    const limits: number[] = [];
    for (let i = 0; i < 8; i++) {
      state = nextConcurrency(state, window(), settings);
      limits.push(state.limit);
    }
    expect(limits).toEqual([24, 36, 54, 81, 122, 128, 128, 128]);
  });

  it('leaves the limit alone when the window did not use it', () => {
    const state: ConcurrencyState = { limit: 32, quietMs: 20 };
    expect(nextConcurrency(state, window({ saturated: false }), settings).limit).toBe(32);
  });

  it('halves the limit on a failed read, down to the minimum', () => {
    let state: ConcurrencyState = { limit: 64, quietMs: 20 };
    state = nextConcurrency(state, window({ failed: 1 }), settings);
    expect(state.limit).toBe(32);
    for (let i = 0; i < 10; i++) state = nextConcurrency(state, window({ failed: 3 }), settings);
    expect(state.limit).toBe(4);
  });

  it('backs off by a quarter when the answer time rises above tolerance × the quietest', () => {
    const state: ConcurrencyState = { limit: 100, quietMs: 20 };
    expect(nextConcurrency(state, window({ meanMs: 41 }), settings).limit).toBe(75);
    expect(nextConcurrency(state, window({ meanMs: 39 }), settings).limit).toBe(128);
  });

  it('keeps the quietest answer time, and lets it drift up towards a slower peer', () => {
    let state: ConcurrencyState = { limit: 16, quietMs: undefined };
    state = nextConcurrency(state, window({ meanMs: 30 }), settings);
    expect(state.quietMs).toBe(30);
    state = nextConcurrency(state, window({ meanMs: 10 }), settings);
    expect(state.quietMs).toBe(10);
    // A peer ten times slower for good: backed off at first, then learned as its new normal.
    const limits: number[] = [];
    for (let i = 0; i < 80; i++) {
      state = nextConcurrency(state, window({ meanMs: 100 }), settings);
      limits.push(state.limit);
    }
    expect(limits[0]).toBe(27); // 36 backed off by a quarter
    expect(state.quietMs).toBeGreaterThan(50);
    expect(state.limit).toBe(128);
  });

  it('ignores a window without answers', () => {
    const state: ConcurrencyState = { limit: 40, quietMs: 20 };
    expect(nextConcurrency(state, window({ completed: 0 }), settings)).toBe(state);
  });
});
