/**
 * A gun-sync node for end-to-end tests: the one-process runner (discovery, transform, indexer)
 * on the real Redis and Elasticsearch, with its own queue prefix and index, reading GUN through
 * the given relay.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { createSilentLogger, createLogger } from '@sync/logging';
import { JobName, QueueName, connectRedis, createProducer, type Producer } from '@sync/queues';
import { obliterateAll } from '@sync/queues/testing';
import { loadStandaloneConfig } from '@sync/standalone/config';
import { startStandalone, type Standalone } from '@sync/standalone/start';
import type { ServiceUrls } from '../services.js';

/** The admin token every test node's API accepts. */
export const adminToken = 'e2e-admin-token-0123456789';

export interface TestNode {
  node: Standalone;
  prefix: string;
  index: string;
  es: Client;
  redis: Redis;
  env: Record<string, string>;
  /** Asks discovery to run now (as the API's force-sync does). */
  discover(scope?: 'all' | 'deletions', force?: boolean): Promise<void>;
  count(): Promise<number>;
  get(did: string): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

/** Queues a discovery scan as the API's force-sync does. */
export async function queueScan(
  queue: Producer<typeof QueueName.discover>,
  scope: 'all' | 'deletions',
  force: boolean,
): Promise<void> {
  await queue.add(JobName.discoverRegistry, {
    scope,
    force,
    requestedBy: 'api',
    requestedAt: new Date().toISOString(),
  });
}

/** Documents in `index` as a search sees them now (refreshed first). */
export async function refreshedCount(es: Client, index: string): Promise<number> {
  await es.indices.refresh({ index, ignore_unavailable: true });
  return (await es.count({ index, ignore_unavailable: true })).count;
}

export async function startTestNode(
  urls: ServiceUrls,
  env: Record<string, string>,
): Promise<TestNode> {
  const id = randomUUID().slice(0, 8);
  const prefix = `e2e-${id}`;
  const index = `e2e-records-${id}`;
  const fullEnv = {
    REDIS_URL: urls.redisUrl,
    QUEUE_PREFIX: prefix,
    ELASTICSEARCH_URL: urls.elasticsearchUrl,
    ELASTICSEARCH_INDEX: index,
    SYNC_SEAL_KEY: randomBytes(32).toString('hex'),
    GUN_CLIENT_MODE: 'http',
    GUN_SYNC_INTERVAL: '600000',
    GUN_POLL_INTERVAL_MS: '300',
    DISCOVERY_LIVE_FLUSH_MS: '50',
    INDEXER_FLUSH_MS: '50',
    PROBE_PORT: '0',
    LOG_LEVEL: 'warn',
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    API_ADMIN_TOKEN: adminToken,
    ...env,
  };
  const config = loadStandaloneConfig(fullEnv);
  const log = process.env.E2E_LOG
    ? createLogger({ service: 'e2e-node', level: 'debug' })
    : createSilentLogger();
  const node = await startStandalone(config, {
    log,
    registry: new Registry(),
    refresh: 'wait_for',
    onFatal: (err) => {
      throw err;
    },
    isShuttingDown: () => false,
  });
  const es = new Client({ node: urls.elasticsearchUrl });
  const redis = await connectRedis(urls.redisUrl, 'producer');
  const discoverQueue = createProducer(QueueName.discover, { connection: redis, prefix });
  return {
    node,
    prefix,
    index,
    es,
    redis,
    env: fullEnv,
    discover: (scope = 'all', force = false) => queueScan(discoverQueue, scope, force),
    count: () => refreshedCount(es, index),
    async get(did) {
      const res = await es.get<Record<string, unknown>>({ index, id: did }, { ignore: [404] });
      return res.found ? res._source : undefined;
    },
    async close() {
      await node.close();
      await discoverQueue.close();
      await obliterateAll(redis, prefix);
      await es.indices.delete({ index, ignore_unavailable: true });
      redis.disconnect();
      await es.close();
    },
  };
}

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
