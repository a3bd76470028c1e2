/**
 * Redis connections, by role. Producers fail fast (an API request must not hang while Redis
 * is down); workers retry forever (BullMQ's going-to-production guide: maxRetriesPerRequest null).
 */
import { Redis } from 'ioredis';

export type ConnectionRole = 'producer' | 'worker';

export function createRedisConnection(url: string, role: ConnectionRole): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5_000,
    // Jittered reconnect backoff, capped at 5 s.
    retryStrategy: (attempt) =>
      Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)) + Math.floor(Math.random() * 100),
  });
}

/**
 * A connection that is ready to take commands: producers do not queue commands while offline,
 * so callers wait here once, at start-up.
 * @throws Error when Redis does not answer within `timeoutMs`.
 */
export async function connectRedis(
  url: string,
  role: ConnectionRole,
  timeoutMs = 10_000,
): Promise<Redis> {
  const redis = createRedisConnection(url, role);
  if (redis.status === 'ready') return redis;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      redis.disconnect();
      reject(new Error(`Redis at ${new URL(url).host} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
  return redis;
}
