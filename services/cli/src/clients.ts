/**
 * The clients a command needs, checked before use so an unreachable service is one clear line
 * (exit 1) instead of an empty result: Elasticsearch, GUN, and the node id (override or Redis).
 */
import type { Client } from '@elastic/elasticsearch';
import {
  createGunRegistry,
  createGunRegistryWriter,
  resolveNodeId,
  type GunRegistry,
} from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { connectRedis } from '@sync/queues';
import { SyncError } from '@sync/runtime/errors';
import { stateKeys } from '@sync/state';
import type { CliConfig } from './config.js';
import { toErrorLine } from './output.js';

/** A run that cannot go on (a service unreachable, an index missing): one line, exit 1. */
export class CliFailure extends SyncError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SYNC_CLI_FAILED', message, options);
  }
}

/** Client libraries log nothing: the CLI reports outcomes itself. */
export const log = createSilentLogger();

export async function checkElasticsearch(
  es: Client,
  config: CliConfig,
  index: string,
  required: boolean,
): Promise<void> {
  let exists: boolean;
  try {
    exists = await es.indices.exists({ index });
  } catch (err) {
    throw new CliFailure(
      `Elasticsearch at ${config.elasticsearch.url} is unreachable (${toErrorLine(err)})`,
      { cause: err },
    );
  }
  if (required && !exists)
    throw new CliFailure(
      `Elasticsearch index ${JSON.stringify(index)} does not exist at ${config.elasticsearch.url}`,
    );
}

/** One cheap read (the deletion index): an unreachable relay must not look like an empty registry. */
export async function checkGun(reader: GunRegistry, peers: readonly string[]): Promise<void> {
  const res = await reader.readDeleted();
  if (res.status === 'error') {
    throw new CliFailure(`GUN at ${peers.join(', ')} is unreachable (${toErrorLine(res.error)})`, {
      cause: res.error,
    });
  }
}

export async function nodeIdOf(config: CliConfig): Promise<string> {
  if (config.gun.nodeIdOverride) return config.gun.nodeIdOverride;
  let redis;
  try {
    redis = await connectRedis(config.redis.url, 'producer', 5000);
  } catch (err) {
    throw new CliFailure(
      `Redis at ${new URL(config.redis.url).host} is unreachable, and GUN_NODE_ID_OVERRIDE is not set (${toErrorLine(err)})`,
      { cause: err },
    );
  }
  try {
    return await resolveNodeId({
      override: undefined,
      redis,
      key: stateKeys(config.redis.prefix).nodeId,
    });
  } finally {
    redis.disconnect();
  }
}

/** A registry reader; `concurrency` (reads in flight per peer) defaults to GUN_HTTP_CONCURRENCY. */
export function readerFor(
  config: CliConfig,
  peers: readonly string[],
  concurrency = config.gun.concurrency,
) {
  const { mode, root, readTimeoutMs, peerWaitMs, pollIntervalMs } = config.gun;
  return createGunRegistry({
    mode,
    peers,
    root,
    readTimeoutMs,
    peerWaitMs,
    concurrency,
    pollIntervalMs,
    recordTypes: config.recordTypes,
    log,
  });
}

/** The writer of this node's own relays (GUN_PEERS). */
export function writerFor(config: CliConfig) {
  const { mode, localPeers, root, writeTimeoutMs, readTimeoutMs, peerWaitMs, writeToken } =
    config.gun;
  return createGunRegistryWriter({
    mode,
    peers: localPeers,
    root,
    writeTimeoutMs,
    readTimeoutMs,
    peerWaitMs,
    writeToken,
    log,
  });
}
