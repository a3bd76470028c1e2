import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import type { Logger } from '@sync/logging';
import type { ApiConfig } from './config.js';
import { elasticsearchCheck, gunPeersCheck, redisCheck, type DependencyCheck } from './checks.js';

export interface Deps {
  checks: Record<string, DependencyCheck>;
  close(): Promise<void>;
}

/** Builds every client once; close() shuts them in reverse order. */
export function createDeps(config: ApiConfig, log: Logger): Deps {
  // Fail fast: a producer-side connection must not queue commands while Redis is down.
  const redis = new Redis(config.redis.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
  });
  redis.on('error', (err) => log.warn({ err }, 'redis connection error'));
  const { url, username, password, requestTimeoutMs } = config.elasticsearch;
  const es = new Client({
    node: url,
    requestTimeout: requestTimeoutMs,
    ...(username && password ? { auth: { username, password } } : {}),
  });
  let closing: Promise<void> | undefined;
  return {
    checks: {
      redis: redisCheck(redis),
      elasticsearch: elasticsearchCheck(es),
      gun: gunPeersCheck(config.gun.peers),
    },
    close() {
      closing ??= (async () => {
        await es.close();
        redis.disconnect();
      })();
      return closing;
    },
  };
}
