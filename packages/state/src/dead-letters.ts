/**
 * The dead-letter set: records that failed for a reason no retry can fix (invalid record,
 * decrypt failure, bad signature under enforce, an Elasticsearch mapping rejection). One entry
 * per soul with its reason, detail (never record content), first and last failure and attempts.
 * Retrying re-runs discovery for the soul; the entry stays until it succeeds or is dropped:
 * `resolve` removes it only when the stage that recorded it has since succeeded for the same or
 * a newer version (the transform stage for its entries, the indexer for its own), so a retry
 * that is swallowed or fails again can never make an entry vanish.
 *
 * Counting and listing by reason never read the whole set: each soul's reason, a count per
 * reason and a time-ordered set per reason are kept beside the entries, changed in the same
 * Lua script as the entry, so replicas recording and dropping at once cannot skew them. (Keys
 * of the per-reason sets are built in the script from a prefix: fine on one Redis, which is
 * what BullMQ's queues need as well.)
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { coalesce } from '@sync/runtime/coalesce';
import { stateKeys } from './keys.js';

export const DeadLetter = z.object({
  soul: z.string(),
  did: z.string().optional(),
  stage: z.enum(['discover', 'transform', 'index']),
  /** The version that failed, where the stage knows it (the indexer does). */
  version: z.number().int().nonnegative().optional(),
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
  version?: number;
  reason: string;
  detail: string;
  at: number;
}

/** What succeeded: `stage` for `version` (any version when left out). */
export interface Resolution {
  stage: DeadLetter['stage'];
  version?: number;
}

export interface DeadLetters {
  record(input: DeadLetterInput): Promise<DeadLetter>;
  get(soul: string): Promise<DeadLetter | undefined>;
  /** The reason of each of `souls` that has an entry (one round trip per 500). */
  reasonsOf(souls: readonly string[]): Promise<Map<string, string>>;
  list(options?: {
    reason?: string;
    offset?: number;
    limit?: number;
  }): Promise<{ total: number; items: DeadLetter[] }>;
  remove(soul: string): Promise<boolean>;
  /**
   * Removes the soul's entry if `stage` recorded it for a version not newer than `version`;
   * an entry of another stage, or of a newer version, stays. True when one was removed.
   */
  resolve(soul: string, resolution: Resolution): Promise<boolean>;
  count(): Promise<number>;
  countByReason(): Promise<Record<string, number>>;
}

const maxDetail = 1_000;
const page = 500;

/** Moves `soul`'s reason bookkeeping to ARGV reason (KEYS: reason-of, counts; ARGV[4] prefix). */
const setReasonLua = `
local function setReason(soul, reason, at, prefix)
  local old = redis.call('HGET', KEYS[1], soul)
  if old and old ~= reason then
    redis.call('ZREM', prefix .. old, soul)
    if redis.call('HINCRBY', KEYS[2], old, -1) <= 0 then redis.call('HDEL', KEYS[2], old) end
  end
  if old ~= reason then
    redis.call('HINCRBY', KEYS[2], reason, 1)
    redis.call('HSET', KEYS[1], soul, reason)
  end
  redis.call('ZADD', prefix .. reason, at, soul)
end
`;

/** KEYS: reason-of, counts, letters, first, attempts, by-time. ARGV: soul, reason, at, prefix, json. */
const recordScript = `${setReasonLua}
local soul, at = ARGV[1], ARGV[3]
setReason(soul, ARGV[2], at, ARGV[4])
redis.call('HSET', KEYS[3], soul, ARGV[5])
redis.call('HSETNX', KEYS[4], soul, at)
local attempts = redis.call('HINCRBY', KEYS[5], soul, 1)
redis.call('ZADD', KEYS[6], at, soul)
return {attempts, redis.call('HGET', KEYS[4], soul)}
`;

/** Drops `soul`'s entry and its bookkeeping (KEYS: reason-of, counts, letters, first, attempts, by-time). */
const dropLua = `
local function drop(soul, prefix)
  local old = redis.call('HGET', KEYS[1], soul)
  if old then
    redis.call('ZREM', prefix .. old, soul)
    if redis.call('HINCRBY', KEYS[2], old, -1) <= 0 then redis.call('HDEL', KEYS[2], old) end
    redis.call('HDEL', KEYS[1], soul)
  end
  local removed = redis.call('HDEL', KEYS[3], soul)
  redis.call('HDEL', KEYS[4], soul)
  redis.call('HDEL', KEYS[5], soul)
  redis.call('ZREM', KEYS[6], soul)
  return removed
end
`;

/** KEYS: as dropLua. ARGV: soul, prefix. */
const removeScript = `${dropLua}
return drop(ARGV[1], ARGV[2])
`;

/**
 * KEYS: as dropLua. ARGV: soul, prefix, stage, version ('' = any). Drops the entry only when
 * that stage recorded it, for a version not newer than the given one (or for no version).
 */
const resolveScript = `${dropLua}
local raw = redis.call('HGET', KEYS[3], ARGV[1])
if not raw then return 0 end
local ok, entry = pcall(cjson.decode, raw)
if not ok or type(entry) ~= 'table' or entry.stage ~= ARGV[3] then return 0 end
if ARGV[4] ~= '' and type(entry.version) == 'number' and entry.version > tonumber(ARGV[4]) then
  return 0
end
return drop(ARGV[1], ARGV[2])
`;

/** Adds the reason bookkeeping of an entry recorded before it existed (KEYS: reason-of, counts). */
const indexScript = `${setReasonLua}
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
setReason(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return 1
`;

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
  const scriptKeys = [
    keys.deadLettersReasonOf,
    keys.deadLettersReasonCounts,
    keys.deadLetters,
    keys.deadLettersFirst,
    keys.deadLettersAttempts,
    keys.deadLettersByTime,
  ];
  /**
   * Entries recorded before the per-reason bookkeeping existed are indexed once, page by page,
   * when the counts show fewer souls than the set holds.
   */
  const ensureReasonIndex = async (): Promise<void> => {
    const [indexed, total] = await Promise.all([
      redis.hlen(keys.deadLettersReasonOf),
      redis.zcard(keys.deadLettersByTime),
    ]);
    if (indexed >= total) return;
    for (let start = 0; start < total; start += page) {
      const scored = await redis.zrange(
        keys.deadLettersByTime,
        String(start),
        String(start + page - 1),
        'WITHSCORES',
      );
      const souls = scored.filter((_, i) => i % 2 === 0);
      const loaded = new Map((await load(souls)).map((d) => [d.soul, d]));
      for (const [i, soul] of souls.entries()) {
        // An entry that cannot be read is still counted, under a reason of its own.
        const d = loaded.get(soul);
        await redis.eval(
          indexScript,
          2,
          keys.deadLettersReasonOf,
          keys.deadLettersReasonCounts,
          soul,
          d?.reason ?? 'unreadable-entry',
          d?.lastFailedAt ?? Number(scored[i * 2 + 1]),
          keys.deadLettersByReasonPrefix,
        );
      }
    }
  };
  // Every record that succeeds resolves its soul's dead letter (nearly always none): the
  // resolutions of one turn of the event loop run in one pipeline.
  const resolve = coalesce<readonly [string, Resolution], boolean>(async (calls) => {
    const pipeline = redis.pipeline();
    for (const [soul, { stage, version }] of calls)
      pipeline.eval(
        resolveScript,
        scriptKeys.length,
        ...scriptKeys,
        soul,
        keys.deadLettersByReasonPrefix,
        stage,
        version === undefined ? '' : String(version),
      );
    return ((await pipeline.exec()) ?? []).map(([err, removed]) => {
      if (err) throw err;
      return Number(removed) > 0;
    });
  });
  return {
    async record({ soul, did, stage, version, reason, detail, at }) {
      const last = {
        soul,
        ...(did ? { did } : {}),
        stage,
        ...(version !== undefined ? { version } : {}),
        reason,
        detail: detail.slice(0, maxDetail),
        lastFailedAt: at,
      };
      // One script, no read-modify-write: concurrent failures of one soul all count.
      const [attempts, firstFailedAt] = (await redis.eval(
        recordScript,
        scriptKeys.length,
        ...scriptKeys,
        soul,
        reason,
        at,
        keys.deadLettersByReasonPrefix,
        JSON.stringify(last),
      )) as [number, string];
      return { ...last, firstFailedAt: Number(firstFailedAt), attempts: Number(attempts) };
    },
    async get(soul) {
      return (await load([soul]))[0];
    },
    async reasonsOf(souls) {
      const out = new Map<string, string>();
      for (let i = 0; i < souls.length; i += page)
        for (const letter of await load(souls.slice(i, i + page)))
          out.set(letter.soul, letter.reason);
      return out;
    },
    async list({ reason, offset = 0, limit = 50 } = {}) {
      if (reason) await ensureReasonIndex();
      const key = reason ? `${keys.deadLettersByReasonPrefix}${reason}` : keys.deadLettersByTime;
      const [total, souls] = await Promise.all([
        redis.zcard(key),
        redis.zrevrange(key, offset, offset + limit - 1),
      ]);
      return { total, items: await load(souls) };
    },
    async remove(soul) {
      const removed = await redis.eval(
        removeScript,
        scriptKeys.length,
        ...scriptKeys,
        soul,
        keys.deadLettersByReasonPrefix,
      );
      return Number(removed) > 0;
    },
    resolve: (soul, resolution) => resolve([soul, resolution]),
    count: () => redis.zcard(keys.deadLettersByTime),
    async countByReason() {
      await ensureReasonIndex();
      const raw = await redis.hgetall(keys.deadLettersReasonCounts);
      return Object.fromEntries(
        Object.entries(raw)
          .map(([reason, n]) => [reason, Number(n)] as const)
          .filter(([, n]) => n > 0),
      );
    },
  };
}
