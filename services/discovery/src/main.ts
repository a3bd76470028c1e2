import { runService } from '@sync/runtime';
import { loadDiscoveryConfig } from './config.js';
import { startDiscovery } from './start.js';

runService({
  service: 'discovery',
  env: process.env,
  loadConfig: loadDiscoveryConfig,
  start: ({ config, log, registry, shutdown }) =>
    startDiscovery(config, {
      log,
      registry,
      onFatal: (err) => {
        log.fatal({ err }, 'worker loop stopped unexpectedly');
        void shutdown.run({ exitCode: 1, reason: 'worker-stopped' });
      },
    }),
});
