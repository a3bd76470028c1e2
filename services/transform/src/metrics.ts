import { Counter, Histogram, type Registry } from 'prom-client';

/** The transform stage's metrics, bound to an injected registry. */
export function createTransformMetrics(registry: Registry) {
  return {
    records: new Counter({
      name: 'sync_transform_records_total',
      help: 'Records transformed, by outcome (queued, skipped, rejected, failed) and reason',
      labelNames: ['outcome', 'reason'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'sync_transform_duration_seconds',
      help: 'Time to fetch, decrypt, verify and convert one record',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

export type TransformMetrics = ReturnType<typeof createTransformMetrics>;
