/**
 * The indexer as one unit, for main.ts and for running every stage in one process: clients,
 * the records index (template and index), the worker. `createIndexer` prepares everything
 * without fetching jobs; `run()` starts the worker; `close()` drains: the worker stops fetching
 * and finishes its active jobs (their batches are sent), then the clients close.
 */
import type { Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { ensureIndex } from '@sync/es-client';
import type { Logger } from '@sync/logging';
import { closeWorker } from '@sync/queues';
import { currentLink } from '@sync/tracing';
import type { Scheduler } from './batcher.js';
import type { IndexerConfig } from './config.js';
import { createDeps, type IndexerDeps } from './deps.js';
import { createIndexerWorker } from './worker.js';

export interface IndexerOptions {
  /** Where the metrics go (default: a new Registry). */
  registry?: Registry;
  /** `refresh` of every bulk request (tests: `wait_for`). */
  refresh?: boolean | 'wait_for';
  scheduler?: Scheduler;
  /** Injected clock for dead-letter times. */
  now?: () => number;
}

export interface Indexer {
  worker: Worker;
  deps: IndexerDeps;
  /** Starts fetching jobs; resolves when the worker stops, rejects if its loop fails. */
  run(): Promise<void>;
  isReady(): boolean;
  close(): Promise<void>;
}

/**
 * @throws EsError when Elasticsearch is unreachable or refuses the index template.
 */
export async function createIndexer(
  config: IndexerConfig,
  log: Logger,
  options: IndexerOptions = {},
): Promise<Indexer> {
  const registry = options.registry ?? new Registry();
  const deps = createDeps(config, log, {
    registry,
    ...(options.refresh !== undefined ? { refresh: options.refresh } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  });
  try {
    await ensureIndex(deps.es, { index: config.elasticsearch.index, log });
  } catch (err) {
    await deps.close();
    throw err;
  }
  const worker = createIndexerWorker(
    {
      index: config.elasticsearch.index,
      sealKey: config.sealKey,
      submit: (op, bytes) => deps.batcher.add({ op, link: currentLink() }, bytes),
      isIndexed: (id) => deps.es.exists({ index: config.elasticsearch.index, id }),
      tombstones: deps.tombstones,
      watermarks: deps.watermarks,
      deadLetters: deps.deadLetters,
      stats: deps.stats,
      metrics: deps.metrics,
      now: options.now ?? Date.now,
    },
    {
      connection: deps.connection,
      prefix: config.redis.prefix,
      concurrency: config.worker.concurrency,
    },
    log,
  );

  // A trickle is sent as it comes: the batcher knows when the queue is empty and every job in
  // hand has handed its operation over.
  worker.on('active', () => deps.onWorker('active'));
  worker.on('completed', () => deps.onWorker('done'));
  worker.on('failed', () => deps.onWorker('done'));
  worker.on('drained', () => deps.onWorker('drained'));

  let closing: Promise<void> | undefined;
  return {
    worker,
    deps,
    run: () => worker.run(),
    isReady: () => worker.isRunning() && closing === undefined,
    close() {
      closing ??= (async () => {
        // Active jobs finish first: their operations are in the batcher and get sent.
        await closeWorker(worker, { log });
        await deps.close();
      })();
      return closing;
    },
  };
}

/** createIndexer, then run in the background; `onStopped` hears about a worker loop failure. */
export async function startIndexer(
  config: IndexerConfig,
  log: Logger,
  options: IndexerOptions & { onStopped?: (err: unknown) => void } = {},
): Promise<Indexer> {
  const indexer = await createIndexer(config, log, options);
  indexer.run().catch((err: unknown) => {
    log.fatal({ err }, 'index worker loop stopped unexpectedly');
    options.onStopped?.(err);
  });
  log.info(
    {
      concurrency: config.worker.concurrency,
      index: config.elasticsearch.index,
      batch: config.batch,
    },
    'indexer started',
  );
  return indexer;
}
