import { ConfigError } from '@sync/config';
import { createLogger } from '@sync/logging';
import { createShutdown, startProbeServer } from '@sync/runtime';
import { loadIndexerConfig } from './config.js';
import { createIndexer } from './start.js';

async function main(): Promise<void> {
  const config = loadIndexerConfig(process.env);
  const log = createLogger({
    service: 'indexer',
    level: config.logLevel,
    ...(config.logPretty !== undefined ? { pretty: config.logPretty } : {}),
  });
  const shutdown = createShutdown({ log, timeoutMs: config.shutdownTimeoutMs });

  const indexer = await createIndexer(config, log);
  const probes = await startProbeServer({
    port: config.probe.port,
    host: config.probe.host,
    registry: indexer.deps.metrics.registry,
    ready: () => indexer.isReady() && !shutdown.isShuttingDown(),
  });
  shutdown.add('probes', () => probes.close()); // added first → closed last
  shutdown.add('indexer', () => indexer.close()); // worker drains, then batcher, ES and Redis close

  shutdown.listen(); // SIGTERM/SIGINT graceful; second signal or timeout → exit 1
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
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.lines.join('\n')}\n`);
    process.exit(78);
  }
  // The logger may not exist yet, so use a bootstrap logger.
  createLogger({ service: 'indexer', level: 'fatal' }).fatal({ err }, 'startup failed');
  process.exit(1);
});
