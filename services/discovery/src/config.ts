import {
  baseSettings,
  baseVars,
  configFingerprint,
  discoveryVars,
  elasticsearchRules,
  elasticsearchSettings,
  elasticsearchVars,
  gunSettings,
  gunVars,
  loadEnv,
  redisSettings,
  redisVars,
  syncRules,
  syncSettings,
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
  const env = loadEnv(vars, source, { rules: (e) => [...elasticsearchRules(e), ...syncRules(e)] });
  return {
    ...baseSettings(env),
    redis: redisSettings(env),
    elasticsearch: elasticsearchSettings(env),
    gun: gunSettings(env),
    sync: syncSettings(env),
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
