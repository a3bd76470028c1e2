import {
  apiVars,
  baseVars,
  configFingerprint,
  elasticsearchVars,
  gunVars,
  loadEnv,
  redisVars,
  syncVars,
  type EnvSource,
} from '@sync/config';
import pkg from '../package.json' with { type: 'json' };

const vars = {
  ...baseVars,
  ...redisVars,
  ...elasticsearchVars,
  ...gunVars,
  ...syncVars,
  ...apiVars,
};

/** Flat env in, nested config out: callers never see env names. */
export function loadApiConfig(source: EnvSource) {
  const env = loadEnv(vars, source);
  return {
    version: pkg.version,
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    http: {
      host: env.API_HOST,
      port: env.API_PORT,
      adminToken: env.API_ADMIN_TOKEN,
      healthAuth: env.API_HEALTH_AUTH,
      checkTimeoutMs: env.API_CHECK_TIMEOUT_MS,
    },
    redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
    elasticsearch: {
      url: env.ELASTICSEARCH_URL,
      username: env.ELASTICSEARCH_USERNAME,
      password: env.ELASTICSEARCH_PASSWORD,
      index: env.ELASTICSEARCH_INDEX,
      requestTimeoutMs: env.ELASTICSEARCH_REQUEST_TIMEOUT_MS,
    },
    gun: {
      mode: env.GUN_CLIENT_MODE,
      peers: env.GUN_PEERS,
      externalPeers: env.GUN_EXTERNAL_PEERS,
      registryRoot: env.GUN_REGISTRY_ROOT,
      nodeIdOverride: env.GUN_NODE_ID_OVERRIDE,
      registryTimeoutMs: env.GUN_REGISTRY_TIMEOUT_MS,
      readTimeoutMs: env.GUN_READ_TIMEOUT_MS,
      peerWaitMs: env.GUN_PEER_WAIT_MS,
      writeToken: env.GUN_WRITE_TOKEN,
    },
    sync: {
      enabled: env.GUN_SYNC_ENABLED,
      intervalMs: env.GUN_SYNC_INTERVAL,
      privateRecords: env.GUN_SYNC_PRIVATE_RECORDS,
      trustedNodes: env.GUN_SYNC_TRUSTED_NODES,
      recordTypes: env.GUN_SYNC_RECORD_TYPES,
      typeFilter: {
        mode: env.RECORD_TYPE_INDEX_MODE,
        whitelist: env.RECORD_TYPE_INDEX_WHITELIST,
        blacklist: env.RECORD_TYPE_INDEX_BLACKLIST,
      },
    },
    health: {
      maxScanAgeMs: env.HEALTH_MAX_SCAN_AGE_MS ?? 2 * env.GUN_SYNC_INTERVAL,
      maxStallMs: env.HEALTH_MAX_STALL_MS,
      errorWindowMinutes: env.HEALTH_ERROR_WINDOW_MINUTES,
      maxErrorPercent: env.HEALTH_MAX_ERROR_PERCENT,
      minSamples: env.HEALTH_MIN_SAMPLES,
    },
    fingerprint: configFingerprint(vars, env),
  } as const;
}

export type ApiConfig = ReturnType<typeof loadApiConfig>;
