/**
 * Nested settings shared by several services, built from the flat parsed env in one place
 * (each service's config.ts composes these instead of mapping the same keys again).
 */
import type { EnvValues } from './load-env.js';
import type { elasticsearchVars, gunVars, redisVars } from './catalog.js';

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
    root: env.GUN_REGISTRY_ROOT,
    nodeIdOverride: env.GUN_NODE_ID_OVERRIDE,
    readTimeoutMs: env.GUN_READ_TIMEOUT_MS,
    writeTimeoutMs: env.GUN_REGISTRY_TIMEOUT_MS,
    peerWaitMs: env.GUN_PEER_WAIT_MS,
    concurrency: env.GUN_HTTP_CONCURRENCY,
    pollIntervalMs: env.GUN_POLL_INTERVAL_MS,
    writeToken: env.GUN_WRITE_TOKEN,
  } as const;
}

export type RedisSettings = ReturnType<typeof redisSettings>;
export type ElasticsearchSettings = ReturnType<typeof elasticsearchSettings>;
export type GunSettings = ReturnType<typeof gunSettings>;
