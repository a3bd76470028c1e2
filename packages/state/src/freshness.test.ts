import { describe, expect, it } from 'vitest';
import { summarizeFreshness } from './stats.js';

describe('summarizeFreshness', () => {
  it('is null while no record was indexed', () => {
    expect(summarizeFreshness([])).toEqual({ samples: 0, p50Ms: null, p95Ms: null, maxMs: null });
  });

  it('gives nearest-rank percentiles of the kept times, in any order', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 100); // 0..99 shuffled
    expect(summarizeFreshness(values)).toEqual({ samples: 100, p50Ms: 49, p95Ms: 94, maxMs: 99 });
  });

  it('drops what is not a time', () => {
    expect(summarizeFreshness([Number.NaN, -5, 1200])).toEqual({
      samples: 1,
      p50Ms: 1200,
      p95Ms: 1200,
      maxMs: 1200,
    });
  });
});
