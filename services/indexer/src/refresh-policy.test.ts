import { describe, expect, it } from 'vitest';
import { makeQuietRefresh, quietBatchSize } from './refresh-policy.js';

describe(makeQuietRefresh.name, () => {
  it('refreshes a quiet batch at once, at most once per gap', () => {
    let now = 1_000;
    const choose = makeQuietRefresh({ quietUpTo: 4, minGapMs: 250, now: () => now });
    expect(choose(1)).toBe(true);
    now += 100;
    expect(choose(2)).toBe(false);
    now += 150;
    expect(choose(4)).toBe(true);
  });

  it('leaves a full batch (a backlog) to the index refresh interval', () => {
    const choose = makeQuietRefresh({ quietUpTo: 4, minGapMs: 250, now: () => 0 });
    expect(choose(5)).toBe(false);
    expect(choose(500)).toBe(false);
    expect(choose(0)).toBe(false);
  });

  it('never forces a refresh with a gap of 0', () => {
    const choose = makeQuietRefresh({ quietUpTo: 4, minGapMs: 0, now: () => 0 });
    expect(choose(1)).toBe(false);
  });
});

describe(quietBatchSize.name, () => {
  it.each([
    [64, 16],
    [8, 2],
    [1, 1],
  ])('%i job slots → quiet up to %i', (concurrency, expected) => {
    expect(quietBatchSize(concurrency)).toBe(expected);
  });
});
