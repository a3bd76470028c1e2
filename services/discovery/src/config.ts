import {
  baseVars,
  configFingerprint,
  discoveryVars,
  elasticsearchSettings,
  elasticsearchVars,
  gunSettings,
  gunVars,
  loadEnv,
  redisSettings,
  redisVars,
  syncVars,
  type EnvSource,
} from '@sync/config';

const vars = {
  ...baseVars,
  ...redisVars,
  ...elasticsearchVars,
  ...gunVars,
  ...syncVars,
  ...discoveryVars,
};

export function loadDiscoveryConfig(source: EnvSource) {
  const env = loadEnv(vars, source, {
    rules: (e) =>
      e.RECORD_TYPE_INDEX_MODE === 'whitelist' && e.RECORD_TYPE_INDEX_WHITELIST.length === 0
        ? [
            'RECORD_TYPE_INDEX_WHITELIST: must list at least one type when RECORD_TYPE_INDEX_MODE=whitelist (example: RECORD_TYPE_INDEX_WHITELIST=post,image)',
          ]
        : [],
  });
  return {
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    probe: { host: env.PROBE_HOST, port: env.PROBE_PORT },
    redis: redisSettings(env),
    elasticsearch: elasticsearchSettings(env),
    gun: gunSettings(env),
    sync: {
      enabled: env.GUN_SYNC_ENABLED,
      intervalMs: env.GUN_SYNC_INTERVAL,
      trustedNodes: env.GUN_SYNC_TRUSTED_NODES,
      recordTypes: env.GUN_SYNC_RECORD_TYPES,
      typeFilter: {
        mode: env.RECORD_TYPE_INDEX_MODE,
        whitelist: env.RECORD_TYPE_INDEX_WHITELIST,
        blacklist: env.RECORD_TYPE_INDEX_BLACKLIST,
      },
    },
    discovery: {
      chunkSize: env.DISCOVERY_CHUNK_SIZE,
      live: env.DISCOVERY_LIVE,
      liveFlushMs: env.DISCOVERY_LIVE_FLUSH_MS,
      liveMaxBuffered: env.DISCOVERY_LIVE_MAX_BUFFERED,
    },
    fingerprint: configFingerprint(vars, env),
  } as const;
}

export type DiscoveryConfig = ReturnType<typeof loadDiscoveryConfig>;
