/**
 * Nested settings shared by several services, built from the flat parsed env in one place
 * (each service's config.ts composes these instead of mapping the same keys again).
 */
import type { EnvValues } from './load-env.js';
import type {
  baseVars,
  cryptoVars,
  elasticsearchVars,
  gunVars,
  redisVars,
  syncVars,
} from './catalog.js';

/** Logging, shutdown and the worker probe server. */
export function baseSettings(env: EnvValues<typeof baseVars>) {
  return {
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    probe: { host: env.PROBE_HOST, port: env.PROBE_PORT },
    tracing: { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME },
  } as const;
}

export function redisSettings(env: EnvValues<typeof redisVars>) {
  return { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX } as const;
}

export function elasticsearchSettings(env: EnvValues<typeof elasticsearchVars>) {
  return {
    url: env.ELASTICSEARCH_URL,
    username: env.ELASTICSEARCH_USERNAME,
    password: env.ELASTICSEARCH_PASSWORD,
    index: env.ELASTICSEARCH_INDEX,
    requestTimeoutMs: env.ELASTICSEARCH_REQUEST_TIMEOUT_MS,
  } as const;
}

/** How this node reaches GUN: its own relays first, then other nodes' relays. */
export function gunSettings(env: EnvValues<typeof gunVars>) {
  return {
    mode: env.GUN_CLIENT_MODE,
    peers: [...new Set([...env.GUN_PEERS, ...env.GUN_EXTERNAL_PEERS])],
    localPeers: env.GUN_PEERS,
    externalPeers: env.GUN_EXTERNAL_PEERS,
    root: env.GUN_REGISTRY_ROOT,
    nodeIdOverride: env.GUN_NODE_ID_OVERRIDE,
    readTimeoutMs: env.GUN_READ_TIMEOUT_MS,
    writeTimeoutMs: env.GUN_REGISTRY_TIMEOUT_MS,
    peerWaitMs: env.GUN_PEER_WAIT_MS,
    concurrency: env.GUN_HTTP_CONCURRENCY,
    maxNodeBytes: env.GUN_MAX_NODE_BYTES,
    maxInflightBytes: env.GUN_HTTP_MAX_INFLIGHT_BYTES,
    pollIntervalMs: env.GUN_POLL_INTERVAL_MS,
    pollMinIntervalMs: env.GUN_POLL_MIN_INTERVAL_MS,
    pollMaxReadsPerMinute: env.GUN_POLL_MAX_READS_PER_MIN,
    writeToken: env.GUN_WRITE_TOKEN,
    layout: env.GUN_REGISTRY_LAYOUT,
    bucketSpanMs: env.GUN_REGISTRY_BUCKET_SPAN_MS,
    bucketMaxEntries: env.GUN_REGISTRY_BUCKET_MAX_ENTRIES,
    fullScanIntervalMs: env.GUN_REGISTRY_FULL_SCAN_MS,
  } as const;
}

/** What to sync: schedule, trust and record types (OIP's variables). */
export function syncSettings(env: EnvValues<typeof syncVars>) {
  return {
    enabled: env.GUN_SYNC_ENABLED,
    intervalMs: env.GUN_SYNC_INTERVAL,
    recheckMs: env.GUN_SYNC_RECHECK_MS,
    privateRecords: env.GUN_SYNC_PRIVATE_RECORDS,
    trustedNodes: env.GUN_SYNC_TRUSTED_NODES,
    recordTypes: env.GUN_SYNC_RECORD_TYPES,
    maxClockSkewMs: env.GUN_SYNC_MAX_CLOCK_SKEW_MS,
    typeFilter: {
      mode: env.RECORD_TYPE_INDEX_MODE,
      whitelist: env.RECORD_TYPE_INDEX_WHITELIST,
      blacklist: env.RECORD_TYPE_INDEX_BLACKLIST,
    },
  } as const;
}

/** Cross-variable rule of OIP's record type filter. */
export function syncRules(env: EnvValues<typeof syncVars>): string[] {
  return env.RECORD_TYPE_INDEX_MODE === 'whitelist' && env.RECORD_TYPE_INDEX_WHITELIST.length === 0
    ? [
        'RECORD_TYPE_INDEX_WHITELIST: must list at least one type when RECORD_TYPE_INDEX_MODE=whitelist (example: RECORD_TYPE_INDEX_WHITELIST=post,image)',
      ]
    : [];
}

/** Key material for private records, in the shape @sync/crypto's buildKeyring takes. */
export function keyringSettings(env: EnvValues<typeof cryptoVars>) {
  return {
    legacyPassword: env.GUN_LEGACY_KEY_PASSWORD,
    legacySalt: env.GUN_LEGACY_KEY_SALT,
    nodeKey: env.GUN_NODE_ENCRYPTION_KEY,
    sharedKeys: env.GUN_SHARED_KEYS,
    userSalts: env.GUN_USER_SALTS,
    organizationKeys: env.GUN_ORGANIZATION_KEYS,
  } as const;
}

/** Cross-variable rule of every service that talks to Elasticsearch. */
export function elasticsearchRules(env: EnvValues<typeof elasticsearchVars>): string[] {
  return env.ELASTICSEARCH_USERNAME !== undefined && env.ELASTICSEARCH_PASSWORD === undefined
    ? [
        'ELASTICSEARCH_PASSWORD: is required when ELASTICSEARCH_USERNAME is set (or ELASTICSEARCH_PASSWORD_FILE)',
      ]
    : [];
}

export type RedisSettings = ReturnType<typeof redisSettings>;
export type ElasticsearchSettings = ReturnType<typeof elasticsearchSettings>;
export type GunSettings = ReturnType<typeof gunSettings>;
