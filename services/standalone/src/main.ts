import { runService } from '@sync/runtime';
import { loadStandaloneConfig } from './config.js';
import { startStandalone } from './start.js';

runService({
  service: 'gun-sync',
  loadConfig: loadStandaloneConfig,
  async start({ config, log, registry, shutdown }) {
    const node = await startStandalone(config, {
      log,
      registry,
      onFatal: (err) => {
        log.fatal({ err }, 'a worker loop stopped unexpectedly');
        void shutdown.run({ exitCode: 1, reason: 'worker-stopped' });
      },
    });
    log.info({ nodeId: node.nodeId }, 'gun-sync running: discovery, transform and indexer in one process');
    return node;
  },
});
