import { runService } from '@sync/runtime';
import { loadStandaloneConfig } from './config.js';
import { startStandalone } from './start.js';

runService({
  service: 'gun-sync',
  env: process.env,
  loadConfig: loadStandaloneConfig,
  async start({ config, log, registry, shutdown }) {
    const node = await startStandalone(config, {
      log,
      registry,
      isShuttingDown: () => shutdown.isShuttingDown(),
      onFatal: (err) => {
        log.fatal({ err }, 'a worker loop stopped unexpectedly');
        void shutdown.run({ exitCode: 1, reason: 'worker-stopped' });
      },
    });
    log.info(
      { nodeId: node.nodeId, api: node.apiUrl },
      'gun-sync running: API, discovery, transform and indexer in one process',
    );
    return node;
  },
});
