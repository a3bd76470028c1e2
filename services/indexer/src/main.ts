import { runService } from '@sync/runtime';
import { loadIndexerConfig } from './config.js';
import { createIndexer } from './start.js';

runService({
  service: 'indexer',
  env: process.env,
  loadConfig: loadIndexerConfig,
  async start({ config, log, registry, shutdown }) {
    const indexer = await createIndexer(config, log, { registry });
    indexer.run().catch((err: unknown) => {
      log.fatal({ err }, 'index worker loop stopped unexpectedly');
      void shutdown.run({ exitCode: 1, reason: 'worker-stopped' });
    });
    log.info(
      {
        concurrency: config.worker.concurrency,
        index: config.elasticsearch.index,
        fingerprint: config.fingerprint,
      },
      'indexer started',
    );
    // close(): the worker drains first, then the batcher, Elasticsearch and Redis close.
    return { ready: () => indexer.isReady(), close: () => indexer.close() };
  },
});
