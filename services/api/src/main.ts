import { runService } from '@sync/runtime';
import { loadApiConfig } from './config.js';
import { startApi } from './start.js';

runService({
  service: 'api',
  env: process.env,
  loadConfig: loadApiConfig,
  start: ({ config, log, shutdown }) =>
    startApi(config, log, { isShuttingDown: () => shutdown.isShuttingDown() }),
});
