/**
 * The dead-letter set: records that failed for a reason no retry can fix (invalid record,
 * decrypt failure, bad signature under enforce, an Elasticsearch mapping rejection). One entry
 * per soul with its reason, detail (never record content), first and last failure and attempts.
 * Retrying re-runs discovery for the soul; the entry stays until it succeeds or is dropped.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { stateKeys } from './keys.js';

export const DeadLetter = z.object({
  soul: z.string(),
  did: z.string().optional(),
  stage: z.enum(['discover', 'transform', 'index']),
  reason: z.string(),
  detail: z.string(),
  firstFailedAt: z.number().int(),
  lastFailedAt: z.number().int(),
  attempts: z.number().int().positive(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export interface DeadLetterInput {
  soul: string;
  did?: string;
  stage: DeadLetter['stage'];
  reason: string;
  detail: string;
  at: number;
}

export interface DeadLetters {
  record(input: DeadLetterInput): Promise<DeadLetter>;
  get(soul: string): Promise<DeadLetter | undefined>;
  list(options?: {
    reason?: string;
    offset?: number;
    limit?: number;
  }): Promise<{ total: number; items: DeadLetter[] }>;
  remove(soul: string): Promise<boolean>;
  count(): Promise<number>;
  countByReason(): Promise<Record<string, number>>;
}

const maxDetail = 1_000;

export function createDeadLetters(redis: Redis, prefix: string): DeadLetters {
  const keys = stateKeys(prefix);
  const load = async (souls: string[]): Promise<DeadLetter[]> => {
    if (souls.length === 0) return [];
    const [raws, firsts, attempts] = await Promise.all([
      redis.hmget(keys.deadLetters, ...souls),
      redis.hmget(keys.deadLettersFirst, ...souls),
      redis.hmget(keys.deadLettersAttempts, ...souls),
    ]);
    return raws.flatMap((raw, i) => {
      if (raw === null) return [];
      const result = DeadLetter.safeParse({
        ...(JSON.parse(raw) as object),
        firstFailedAt: Number(firsts[i]),
        attempts: Number(attempts[i]),
      });
      return result.success ? [result.data] : [];
    });
  };
  const all = async (): Promise<DeadLetter[]> =>
    load(await redis.zrevrange(keys.deadLettersByTime, 0, -1));
  return {
    async record({ soul, did, stage, reason, detail, at }) {
      // One MULTI, no read-modify-write: concurrent failures of one soul all count.
      const last = {
        soul,
        ...(did ? { did } : {}),
        stage,
        reason,
        detail: detail.slice(0, maxDetail),
        lastFailedAt: at,
      };
      const replies = await redis
        .multi()
        .hset(keys.deadLetters, soul, JSON.stringify(last))
        .hsetnx(keys.deadLettersFirst, soul, at)
        .hincrby(keys.deadLettersAttempts, soul, 1)
        .zadd(keys.deadLettersByTime, at, soul)
        .hget(keys.deadLettersFirst, soul)
        .exec();
      const attempts = Number(replies?.[2]?.[1] ?? 1);
      const firstFailedAt = Number(replies?.[4]?.[1] ?? at);
      return { ...last, firstFailedAt, attempts };
    },
    async get(soul) {
      return (await load([soul]))[0];
    },
    async list({ reason, offset = 0, limit = 50 } = {}) {
      if (!reason) {
        const total = await redis.zcard(keys.deadLettersByTime);
        return {
          total,
          items: await load(
            await redis.zrevrange(keys.deadLettersByTime, offset, offset + limit - 1),
          ),
        };
      }
      const matching = (await all()).filter((d) => d.reason === reason);
      return { total: matching.length, items: matching.slice(offset, offset + limit) };
    },
    async remove(soul) {
      const replies = await redis
        .multi()
        .hdel(keys.deadLetters, soul)
        .hdel(keys.deadLettersFirst, soul)
        .hdel(keys.deadLettersAttempts, soul)
        .zrem(keys.deadLettersByTime, soul)
        .exec();
      return Number(replies?.[0]?.[1] ?? 0) > 0;
    },
    count: () => redis.zcard(keys.deadLettersByTime),
    async countByReason() {
      const counts: Record<string, number> = {};
      for (const d of await all()) counts[d.reason] = (counts[d.reason] ?? 0) + 1;
      return counts;
    },
  };
}
