import { describe, expect, it } from 'vitest';
import { metricNamesOf } from './promql.js';

describe(metricNamesOf.name, () => {
  it('finds the metric of every selector, in ranges, subqueries and binary operations', () => {
    const query =
      'max(sync_queue_jobs{queue="sync.index"}) * on() (avg_over_time((max(sync_queue_rate_limit_seconds) > bool 0)[10m:30s]) == bool 0) / rate(sync_indexer_throttles_total[$__rate_interval])';
    expect(metricNamesOf(query)).toEqual({
      names: ['sync_queue_jobs', 'sync_queue_rate_limit_seconds', 'sync_indexer_throttles_total'],
    });
  });

  it('reads a __name__ matcher and ignores label values that look like metrics', () => {
    expect(metricNamesOf('{__name__="sync_dead_letters", reason="sync_queue_jobs"}')).toEqual({
      names: ['sync_dead_letters'],
    });
  });

  it('does not take functions, keywords or label names for metrics', () => {
    expect(
      metricNamesOf('sum by (reason) (increase(a_total[5m])) or on() vector(0)').names,
    ).toEqual(['a_total']);
  });

  it('reports a syntax error', () => {
    expect(metricNamesOf('sum(rate(a_total[5m])').error).toMatch(/^syntax error at \d+/);
    expect(metricNamesOf('max(a) >').error).toMatch(/^syntax error/);
  });
});
