import { baseVars, gunVars, loadEnv, relayVars, type EnvSource } from '@sync/config';

/** OIP's relay reads its peers from GUN_PEERS; for the relay that list is empty by default. */
const vars = {
  LOG_LEVEL: baseVars.LOG_LEVEL,
  LOG_PRETTY: baseVars.LOG_PRETTY,
  SHUTDOWN_TIMEOUT_MS: baseVars.SHUTDOWN_TIMEOUT_MS,
  GUN_PEERS: { ...gunVars.GUN_PEERS, default: '' },
  ...relayVars,
};

export function loadRelayConfig(source: EnvSource) {
  const env = loadEnv(vars, source);
  return {
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    host: env.GUN_RELAY_HOST,
    port: env.GUN_RELAY_PORT,
    dataDir: env.GUN_RELAY_DATA_DIR,
    store: env.GUN_RELAY_STORE,
    graphMaxBytes: env.GUN_RELAY_GRAPH_MAX_MB * 1024 * 1024,
    peers: env.GUN_PEERS,
    getWaitMs: env.GUN_RELAY_GET_WAIT_MS,
    streamLimitMs: Math.max(env.GUN_RELAY_GET_WAIT_MS, env.GUN_RELAY_STREAM_LIMIT_MS),
    putTimeoutMs: env.GUN_RELAY_PUT_TIMEOUT_MS,
    maxBodyBytes: env.GUN_RELAY_MAX_BODY_BYTES,
    writeToken: env.GUN_RELAY_WRITE_TOKEN,
    behaviour: {
      notFoundWaitMs: env.GUN_RELAY_NOT_FOUND_WAIT_MS,
      resolveLinks: env.GUN_RELAY_RESOLVE_LINKS,
    },
  } as const;
}

export type RelayConfig = ReturnType<typeof loadRelayConfig>;
