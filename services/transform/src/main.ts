import { createGunRegistry } from '@sync/gun-client';
import { runService } from '@sync/runtime';
import { loadTransformConfig } from './config.js';
import { startTransform } from './start.js';

runService({
  service: 'transform',
  env: process.env,
  loadConfig: loadTransformConfig,
  async start({ config, log, registry, shutdown }) {
    const gun = createGunRegistry({ ...config.gun, log: log.child({ component: 'gun' }) });
    const transform = await startTransform(config, {
      log,
      gun,
      registry,
      onFatal: (err) => {
        log.fatal({ err }, 'worker loop stopped unexpectedly');
        void shutdown.run({ exitCode: 1, reason: 'worker-stopped' });
      },
    });
    return {
      ready: () => transform.ready(),
      async close() {
        await transform.close();
        await gun.close();
      },
    };
  },
});
