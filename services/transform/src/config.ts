import {
  baseSettings,
  baseVars,
  configFingerprint,
  cryptoVars,
  elasticsearchVars,
  gunSettings,
  gunVars,
  keyringSettings,
  loadEnv,
  redisSettings,
  redisVars,
  requiredSealKey,
  syncVars,
  transformVars,
  type EnvSource,
  type EnvValues,
} from '@sync/config';
import { QueueName, queueCatalog } from '@sync/queues';

const vars = {
  ...baseVars,
  ...redisVars,
  ...gunVars,
  ...syncVars,
  ...cryptoVars,
  ...transformVars,
  SYNC_SEAL_KEY: requiredSealKey,
  ELASTICSEARCH_INDEX: elasticsearchVars.ELASTICSEARCH_INDEX,
};

/** A transform job's attempts: the missing-record reads must fit in them, or `not-found` is never reached. */
const jobAttempts = queueCatalog[QueueName.transform].defaults.attempts;

function transformRules(env: EnvValues<typeof vars>): string[] {
  const missing = env.TRANSFORM_MISSING_ATTEMPTS;
  return missing > jobAttempts
    ? [
        `TRANSFORM_MISSING_ATTEMPTS: must be at most ${jobAttempts}, the attempts of a sync.transform job (a record would never be parked as not-found); got "${missing}" (example: TRANSFORM_MISSING_ATTEMPTS=${transformVars.TRANSFORM_MISSING_ATTEMPTS.example})`,
      ]
    : [];
}

export function loadTransformConfig(source: EnvSource) {
  const env = loadEnv(vars, source, { rules: transformRules });
  return {
    ...baseSettings(env),
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
      maxClockSkewMs: env.GUN_SYNC_MAX_CLOCK_SKEW_MS,
    },
    decrypt: {
      policy: {
        privateRecords: env.GUN_SYNC_PRIVATE_RECORDS,
        foreignRecords: env.GUN_DECRYPT_FOREIGN_RECORDS,
      },
      keyCacheSize: env.GUN_DECRYPT_KEY_CACHE_SIZE,
      keyring: keyringSettings(env),
    },
    sealKey: env.SYNC_SEAL_KEY,
    fingerprint: configFingerprint(vars, env),
  } as const;
}

export type TransformConfig = ReturnType<typeof loadTransformConfig>;
