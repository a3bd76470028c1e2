import {
  baseSettings,
  baseVars,
  configFingerprint,
  elasticsearchRules,
  elasticsearchSettings,
  elasticsearchVars,
  indexerVars,
  loadEnv,
  redisSettings,
  redisVars,
  requiredSealKey,
  type EnvSource,
} from '@sync/config';

/** The indexer opens sealed documents, so its seal key is required. */
const vars = {
  ...baseVars,
  ...redisVars,
  ...elasticsearchVars,
  SYNC_SEAL_KEY: requiredSealKey,
  ...indexerVars,
};

/**
 * Flat env in, nested config out.
 * @throws ConfigError listing every missing or malformed variable.
 */
export function loadIndexerConfig(source: EnvSource) {
  const env = loadEnv(vars, source, { rules: elasticsearchRules });
  return {
    ...baseSettings(env),
    redis: redisSettings(env),
    elasticsearch: elasticsearchSettings(env),
    sealKey: env.SYNC_SEAL_KEY,
    worker: {
      concurrency: env.INDEXER_CONCURRENCY,
      rateLimitMs: env.INDEXER_RATE_LIMIT_MS,
    },
    batch: {
      maxDocs: env.INDEXER_BATCH_MAX_DOCS,
      maxBytes: env.INDEXER_BATCH_MAX_BYTES,
      flushMs: env.INDEXER_FLUSH_MS,
      quietRefreshMs: env.INDEXER_QUIET_REFRESH_MS,
    },
    fingerprint: configFingerprint(vars, env),
  } as const;
}

export type IndexerConfig = ReturnType<typeof loadIndexerConfig>;
