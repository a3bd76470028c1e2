/**
 * Builds every client and collaborator of the indexer once. `close()` closes them in reverse
 * order of creation: the batcher sends what it still holds, then the queue handle, the
 * Elasticsearch client and the Redis connection go.
 *
 * Tracing of batches: a `_bulk` request carries the documents of many records, each with its
 * own trace (discovery → transform → index job). It cannot be the child of all of them, so
 * each batch gets its own span `index bulk` (a new trace) that links to the span of every job
 * in it; the Elasticsearch client's request span hangs below it. A record's trace thus ends
 * at its index job's span, and the link leads to the request that wrote it.
 */
import { makeQuietRefresh, quietBatchSize } from './refresh-policy.js';
import { Queue } from 'bullmq';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { bulkWrite, createEsClient, type BulkOp, type BulkResult } from '@sync/es-client';
import type { Logger } from '@sync/logging';
import { inSpan, type Link } from '@sync/tracing';
import { QueueName, createRedisConnection } from '@sync/queues';
import {
  createDeadLetters,
  createStats,
  createTombstones,
  createWatermarks,
  type DeadLetters,
  type Stats,
  type Tombstones,
  type Watermarks,
} from '@sync/state';
import { createMicroBatcher, type MicroBatcher, type Scheduler } from './batcher.js';
import type { IndexerConfig } from './config.js';
import { createIndexerMetrics, type IndexerMetrics } from './metrics.js';
import { makeSendBulk } from './send-bulk.js';
import { createThrottle, type Throttle } from './throttle.js';

/** The longest the queue is paused at once while Elasticsearch is down. */
export const MAX_PAUSE_MS = 60_000;

export interface IndexerDeps {
  connection: Redis;
  es: Client;
  /** Handle on sync.index for the queue-wide rate limit. */
  queue: Queue;
  batcher: MicroBatcher<LinkedOp, BulkResult>;
  throttle: Throttle;
  metrics: IndexerMetrics;
  tombstones: Tombstones;
  watermarks: Watermarks;
  deadLetters: DeadLetters;
  stats: Stats;
  /**
   * What the worker sees of sync.index: a job taken (`active`), a job finished (`done`), its
   * fetch found no job waiting (`drained`). While drained, once every active job has handed
   * its operation over, the batch is sent at once instead of after INDEXER_FLUSH_MS.
   */
  onWorker(event: 'active' | 'done' | 'drained'): void;
  close(): Promise<void>;
}

/** One operation and the span of the job that submitted it (absent while tracing is off). */
export interface LinkedOp {
  op: BulkOp;
  link: Link | undefined;
}

export interface CreateDepsOptions {
  registry: Registry;
  /** `refresh` of every bulk request (tests use `wait_for`); unset: quiet batches refresh (INDEXER_QUIET_REFRESH_MS). */
  refresh?: boolean | 'wait_for';
  scheduler?: Scheduler;
}

export function createDeps(
  config: IndexerConfig,
  log: Logger,
  { registry, refresh, scheduler }: CreateDepsOptions,
): IndexerDeps {
  const { redis, elasticsearch, worker, batch } = config;
  const connection = createRedisConnection(redis.url, 'worker');
  const es = createEsClient(elasticsearch);
  const queue = new Queue(QueueName.index, { connection, prefix: redis.prefix });
  const metrics = createIndexerMetrics(registry);
  const throttle = createThrottle({
    baseMs: worker.rateLimitMs,
    maxMs: MAX_PAUSE_MS,
    pause: (ms) => queue.rateLimit(ms),
    // While Elasticsearch is unreachable, ask every second whether it is back; resume at once.
    probe: async () => {
      const health = await es.cluster.health({}, { requestTimeout: 1_000, maxRetries: 0 });
      return health.status !== 'red';
    },
    lift: async () => {
      await queue.removeRateLimitKey();
    },
    onLift: (pausedForMs) =>
      log.info({ pausedForMs }, 'elasticsearch answers again, index queue resumed'),
  });
  const quietRefresh = makeQuietRefresh({
    quietUpTo: quietBatchSize(worker.concurrency),
    minGapMs: batch.quietRefreshMs,
    now: () => Date.now(),
  });
  const sendBulk = makeSendBulk({
    // A fixed refresh (tests) wins; else a quiet indexer makes its small batches searchable at once.
    write: (ops) =>
      bulkWrite(es, ops, { refresh: refresh !== undefined ? refresh : quietRefresh(ops.length) }),
    throttle,
    metrics,
    log,
  });
  /** The worker's jobs in hand, and whether its last fetch found the queue empty. */
  const fetching = { active: 0, drained: false };
  const batcher = createMicroBatcher<LinkedOp, BulkResult>({
    maxItems: batch.maxDocs,
    maxBytes: batch.maxBytes,
    flushMs: batch.flushMs,
    // Enough parallel requests for every job slot; one when a batch can hold them all.
    maxInFlight: Math.max(1, Math.ceil(worker.concurrency / batch.maxDocs)),
    // Each active job holds at most one operation; twice that is a guard, never a queue.
    maxPending: worker.concurrency * 2,
    // Once every job slot waits on a batch, no other document can come: send without waiting.
    maxCallers: worker.concurrency,
    // Nor, while the queue has nothing waiting, once each active job holds one: a trickle is
    // sent as it comes, a backlog batched.
    callers: () => (fetching.drained ? fetching.active : Number.POSITIVE_INFINITY),
    send: (items, reason) =>
      inSpan(
        'index bulk',
        {
          parent: null,
          links: items.flatMap((i) => (i.link ? [i.link] : [])),
          attributes: { 'gun_sync.bulk.ops': items.length, 'gun_sync.bulk.reason': reason },
        },
        () =>
          sendBulk(
            items.map((i) => i.op),
            reason,
          ),
      ),
    ...(scheduler ? { scheduler } : {}),
  });
  metrics.trackPending(() => batcher.pending());

  let closing: Promise<void> | undefined;
  return {
    connection,
    es,
    queue,
    batcher,
    throttle,
    onWorker(event) {
      if (event === 'active') {
        fetching.active += 1;
        fetching.drained = false;
      } else if (event === 'done') fetching.active = Math.max(0, fetching.active - 1);
      else fetching.drained = true;
      if (event !== 'active') batcher.recheck();
    },
    metrics,
    tombstones: createTombstones(connection, redis.prefix),
    watermarks: createWatermarks(connection, redis.prefix),
    deadLetters: createDeadLetters(connection, redis.prefix),
    stats: createStats(connection, redis.prefix),
    close() {
      closing ??= (async () => {
        throttle.close();
        await batcher.close();
        await queue.close();
        await es.close();
        await connection.quit().catch(() => connection.disconnect());
      })();
      return closing;
    },
  };
}
