import { createGunRegistry } from '@sync/gun-client';
import { runService } from '@sync/runtime';
import { loadDiscoveryConfig } from './config.js';
import { configuredRecordTypes, startDiscovery } from './start.js';

runService({
  service: 'discovery',
  env: process.env,
  loadConfig: loadDiscoveryConfig,
  async start({ config, log, registry, shutdown }) {
    const gun = createGunRegistry({
      ...config.gun,
      recordTypes: configuredRecordTypes(config),
      log: log.child({ component: 'gun' }),
    });
    const discovery = await startDiscovery(config, {
      log,
      gun,
      registry,
      onFatal: (err) => {
        log.fatal({ err }, 'worker loop stopped unexpectedly');
        void shutdown.run({ exitCode: 1, reason: 'worker-stopped' });
      },
    });
    return {
      ready: () => discovery.ready(),
      async close() {
        await discovery.close();
        await gun.close();
      },
    };
  },
});
