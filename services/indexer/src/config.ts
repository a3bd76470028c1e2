import {
  baseVars,
  configFingerprint,
  cryptoVars,
  elasticsearchVars,
  indexerVars,
  loadEnv,
  redisVars,
  type EnvSource,
} from '@sync/config';

/** The indexer opens sealed documents, so its seal key is required (not optional as in the catalog). */
const vars = {
  ...baseVars,
  ...redisVars,
  ...elasticsearchVars,
  SYNC_SEAL_KEY: { ...cryptoVars.SYNC_SEAL_KEY, required: true as const },
  ...indexerVars,
};

/**
 * Flat env in, nested config out.
 * @throws ConfigError listing every missing or malformed variable.
 */
export function loadIndexerConfig(source: EnvSource) {
  const env = loadEnv(vars, source, {
    rules: (e) =>
      e.ELASTICSEARCH_USERNAME !== undefined && e.ELASTICSEARCH_PASSWORD === undefined
        ? [
            'ELASTICSEARCH_PASSWORD: is required when ELASTICSEARCH_USERNAME is set (or ELASTICSEARCH_PASSWORD_FILE)',
          ]
        : [],
  });
  return {
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    probe: { host: env.PROBE_HOST, port: env.PROBE_PORT },
    redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
    elasticsearch: {
      url: env.ELASTICSEARCH_URL,
      username: env.ELASTICSEARCH_USERNAME,
      password: env.ELASTICSEARCH_PASSWORD,
      index: env.ELASTICSEARCH_INDEX,
      requestTimeoutMs: env.ELASTICSEARCH_REQUEST_TIMEOUT_MS,
    },
    sealKey: env.SYNC_SEAL_KEY,
    worker: {
      concurrency: env.INDEXER_CONCURRENCY,
      rateLimitMs: env.INDEXER_RATE_LIMIT_MS,
    },
    batch: {
      maxDocs: env.INDEXER_BATCH_MAX_DOCS,
      maxBytes: env.INDEXER_BATCH_MAX_BYTES,
      flushMs: env.INDEXER_FLUSH_MS,
    },
    fingerprint: configFingerprint(vars, env),
  } as const;
}

export type IndexerConfig = ReturnType<typeof loadIndexerConfig>;
