import { discoveryVars, loadSyncNodeEnv, type EnvSource } from '@sync/config';

export function loadDiscoveryConfig(source: EnvSource) {
  const { env, settings, fingerprint } = loadSyncNodeEnv(discoveryVars, source);
  return {
    ...settings,
    discovery: {
      chunkSize: env.DISCOVERY_CHUNK_SIZE,
      typeConcurrency: env.DISCOVERY_TYPE_CONCURRENCY,
      live: env.DISCOVERY_LIVE,
      liveFlushMs: env.DISCOVERY_LIVE_FLUSH_MS,
      liveMaxBuffered: env.DISCOVERY_LIVE_MAX_BUFFERED,
    },
    fingerprint,
  } as const;
}

export type DiscoveryConfig = ReturnType<typeof loadDiscoveryConfig>;
