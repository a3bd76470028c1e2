import {
  baseVars,
  configFingerprint,
  cryptoVars,
  elasticsearchVars,
  gunSettings,
  gunVars,
  loadEnv,
  redisSettings,
  redisVars,
  syncVars,
  transformVars,
  type EnvSource,
} from '@sync/config';

const vars = {
  ...baseVars,
  ...redisVars,
  ...gunVars,
  ...syncVars,
  ...cryptoVars,
  ...transformVars,
  ELASTICSEARCH_INDEX: elasticsearchVars.ELASTICSEARCH_INDEX,
};

/** Rules shared by every process that seals or opens documents. */
export function requireSealKey(env: { SYNC_SEAL_KEY?: Buffer | undefined }): string[] {
  return env.SYNC_SEAL_KEY
    ? []
    : [
        'SYNC_SEAL_KEY: is required: transform and indexer share it to seal documents in Redis (example: SYNC_SEAL_KEY=$(openssl rand -hex 32))',
      ];
}

export function loadTransformConfig(source: EnvSource) {
  const env = loadEnv(vars, source, { rules: requireSealKey });
  return {
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    probe: { host: env.PROBE_HOST, port: env.PROBE_PORT },
    redis: redisSettings(env),
    gun: gunSettings(env),
    worker: {
      concurrency: env.TRANSFORM_CONCURRENCY,
      missingAttempts: env.TRANSFORM_MISSING_ATTEMPTS,
    },
    index: env.ELASTICSEARCH_INDEX,
    records: {
      maxBytes: env.GUN_MAX_RECORD_BYTES,
      signaturePolicy: env.GUN_SYNC_VERIFY_SIGNATURES,
    },
    decrypt: {
      policy: {
        privateRecords: env.GUN_SYNC_PRIVATE_RECORDS,
        foreignRecords: env.GUN_DECRYPT_FOREIGN_RECORDS,
      },
      keyCacheSize: env.GUN_DECRYPT_KEY_CACHE_SIZE,
      keyring: {
        legacyPassword: env.GUN_LEGACY_KEY_PASSWORD,
        legacySalt: env.GUN_LEGACY_KEY_SALT,
        nodeKey: env.GUN_NODE_ENCRYPTION_KEY,
        sharedKeys: env.GUN_SHARED_KEYS,
        userSalts: env.GUN_USER_SALTS,
        organizationKeys: env.GUN_ORGANIZATION_KEYS,
      },
    },
    sealKey: env.SYNC_SEAL_KEY as Buffer,
    fingerprint: configFingerprint(vars, env),
  } as const;
}

export type TransformConfig = ReturnType<typeof loadTransformConfig>;
