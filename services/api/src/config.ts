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
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    http: { host: env.API_HOST, port: env.API_PORT, adminToken: env.API_ADMIN_TOKEN },
    redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
    elasticsearch: {
      url: env.ELASTICSEARCH_URL,
      username: env.ELASTICSEARCH_USERNAME,
      password: env.ELASTICSEARCH_PASSWORD,
      index: env.ELASTICSEARCH_INDEX,
      requestTimeoutMs: env.ELASTICSEARCH_REQUEST_TIMEOUT_MS,
    },
    gun: {
      peers: env.GUN_PEERS,
      externalPeers: env.GUN_EXTERNAL_PEERS,
      registryRoot: env.GUN_REGISTRY_ROOT,
      nodeIdOverride: env.GUN_NODE_ID_OVERRIDE,
    },
    fingerprint: configFingerprint(vars, env),
  } as const;
}

export type ApiConfig = ReturnType<typeof loadApiConfig>;
