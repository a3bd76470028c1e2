/**
 * Records the transform stage skipped by policy (GUN_SYNC_PRIVATE_RECORDS off, foreign decrypt
 * off): one field per soul with the reason, so reconciliation reports them as skipped, not as
 * unaccounted. Bounded by the registry (one field per listed soul at most); a soul's field is
 * dropped once the transform stage hands a version of it to the indexer (the policy changed).
 */
import type { Redis } from 'ioredis';
import { coalesce } from '@sync/runtime/coalesce';
import { stateKeys } from './keys.js';

export interface PolicySkips {
  record(soul: string, reason: string): Promise<void>;
  /** Drops the soul's field (it was transformed after all). */
  clear(soul: string): Promise<void>;
  /** The skip reason of each of `souls` that has one (one round trip per 500). */
  reasonsOf(souls: readonly string[]): Promise<Map<string, string>>;
}

const page = 500;

export function createPolicySkips(redis: Redis, prefix: string): PolicySkips {
  const key = stateKeys(prefix).policySkips;
  // Every record that succeeds clears its soul's skip: one HDEL for one turn's souls.
  const clear = coalesce<string, void>(async (souls) => {
    await redis.hdel(key, ...souls);
    return [];
  });
  return {
    async record(soul, reason) {
      await redis.hset(key, soul, reason);
    },
    clear: (soul) => clear(soul),
    async reasonsOf(souls) {
      const out = new Map<string, string>();
      for (let i = 0; i < souls.length; i += page) {
        const chunk = souls.slice(i, i + page);
        const reasons = await redis.hmget(key, ...chunk);
        reasons.forEach((reason, j) => {
          if (reason !== null) out.set(chunk[j] as string, reason);
        });
      }
      return out;
    },
  };
}
