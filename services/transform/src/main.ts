import { runService } from '@sync/runtime';
import { loadTransformConfig } from './config.js';
import { startTransform } from './start.js';

runService({
  service: 'transform',
  env: process.env,
  loadConfig: loadTransformConfig,
  start: ({ config, log, registry, shutdown }) =>
    startTransform(config, {
      log,
      registry,
      onFatal: (err) => {
        log.fatal({ err }, 'worker loop stopped unexpectedly');
        void shutdown.run({ exitCode: 1, reason: 'worker-stopped' });
      },
    }),
});
