/** The indexer's Prometheus metrics, bound to an injected registry (tests use a fresh one). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type DocumentOutcome =
  | 'indexed'
  | 'deleted'
  | 'conflict'
  | 'tombstoned'
  | 'rejected'
  | 'throttled'
  | 'retried'
  | 'failed'
  | 'unreadable';

export interface IndexerMetrics {
  registry: Registry;
  bulkDuration: Histogram<'result'>;
  bulkSize: Histogram;
  documents: Counter<'outcome'>;
  throttles: Counter;
  /** Publish time (the record's version) to indexed, for every indexed record. */
  freshness: Histogram;
  pending: Gauge;
  /** Reports the batcher's size on every scrape. */
  trackPending(fn: () => number): void;
}

export function createIndexerMetrics(registry: Registry): IndexerMetrics {
  let pending: () => number = () => 0;
  return {
    registry,
    bulkDuration: new Histogram({
      name: 'sync_indexer_bulk_duration_seconds',
      help: 'Duration of Elasticsearch _bulk requests; result=ok when Elasticsearch answered, error when the request failed',
      labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    bulkSize: new Histogram({
      name: 'sync_indexer_bulk_size_documents',
      help: 'Operations per _bulk request',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
    documents: new Counter({
      name: 'sync_indexer_documents_total',
      help: 'Index and delete jobs by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    throttles: new Counter({
      name: 'sync_indexer_throttles_total',
      help: 'Times the sync.index queue was paused because Elasticsearch was unavailable or overloaded',
      registers: [registry],
    }),
    freshness: new Histogram({
      name: 'sync_indexer_freshness_seconds',
      help: 'From a record’s publish time (its version: oip.indexedAt, else created, else the registry timestamp) to its write into Elasticsearch; backfilled old records land in the top buckets',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600, 21600, 86400],
      registers: [registry],
    }),
    pending: new Gauge({
      name: 'sync_indexer_pending_documents',
      help: 'Operations held by the micro-batcher (waiting or being sent)',
      registers: [registry],
      collect() {
        this.set(pending());
      },
    }),
    trackPending(fn) {
      pending = fn;
    },
  };
}
