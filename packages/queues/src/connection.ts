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
    retryStrategy: (attempt) => Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)) + Math.floor(Math.random() * 100),
  });
}
