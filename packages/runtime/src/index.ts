export { SyncError, isRetryable } from './sync-error.js';
export { createShutdown, type Shutdown, type ShutdownOptions } from './shutdown.js';
export { startProbeServer, type ProbeServer, type ProbeServerOptions } from './probe-server.js';
export {
  EXIT_CONFIG,
  runService,
  type RunServiceOptions,
  type RunningService,
  type ServiceConfigBase,
} from './run-service.js';
export { jsonParseKeepsEscapedKeys, unsoundJsonRuntime } from './json-runtime.js';
