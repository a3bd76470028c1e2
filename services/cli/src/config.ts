/**
 * The CLI reads the same variables as the services (GUN_*, ELASTICSEARCH_*, REDIS_URL,
 * QUEUE_PREFIX, GUN_NODE_ID_OVERRIDE), so it acts as this node, plus its own group.
 */
import {
  apiVars,
  cliVars,
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
  ...redisVars,
  ...elasticsearchVars,
  ...gunVars,
  GUN_SYNC_RECORD_TYPES: syncVars.GUN_SYNC_RECORD_TYPES,
  // reconcile judges entries by this node's sync policy, as discovery does
  GUN_SYNC_TRUSTED_NODES: syncVars.GUN_SYNC_TRUSTED_NODES,
  GUN_SYNC_MAX_CLOCK_SKEW_MS: syncVars.GUN_SYNC_MAX_CLOCK_SKEW_MS,
  RECORD_TYPE_INDEX_MODE: syncVars.RECORD_TYPE_INDEX_MODE,
  RECORD_TYPE_INDEX_WHITELIST: syncVars.RECORD_TYPE_INDEX_WHITELIST,
  RECORD_TYPE_INDEX_BLACKLIST: syncVars.RECORD_TYPE_INDEX_BLACKLIST,
  API_ADMIN_TOKEN: apiVars.API_ADMIN_TOKEN,
  ...cliVars,
};

/** @throws ConfigError listing every bad variable. */
export function loadCliConfig(source: EnvSource) {
  const env = loadEnv(vars, source, {
    rules: (e) =>
      e.ELASTICSEARCH_USERNAME !== undefined && e.ELASTICSEARCH_PASSWORD === undefined
        ? [
            'ELASTICSEARCH_PASSWORD: is required when ELASTICSEARCH_USERNAME is set (or ELASTICSEARCH_PASSWORD_FILE)',
          ]
        : [],
  });
  return {
    redis: redisSettings(env),
    elasticsearch: elasticsearchSettings(env),
    gun: gunSettings(env),
    recordTypes: env.GUN_SYNC_RECORD_TYPES,
    sync: {
      trustedNodes: env.GUN_SYNC_TRUSTED_NODES,
      maxClockSkewMs: env.GUN_SYNC_MAX_CLOCK_SKEW_MS,
      recordTypes: env.GUN_SYNC_RECORD_TYPES,
      typeFilter: {
        mode: env.RECORD_TYPE_INDEX_MODE,
        whitelist: env.RECORD_TYPE_INDEX_WHITELIST,
        blacklist: env.RECORD_TYPE_INDEX_BLACKLIST,
      },
    },
    usersIndex: env.CLI_USERS_INDEX,
    api: { url: env.API_URL, adminToken: env.API_ADMIN_TOKEN },
  } as const;
}

export type CliConfig = ReturnType<typeof loadCliConfig>;
