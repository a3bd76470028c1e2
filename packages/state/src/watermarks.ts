/**
 * Per-soul watermarks: the registry version last enqueued, when each soul was last enqueued,
 * and the record version last indexed.
 *
 * A registry entry counts as changed when its version differs from the one last enqueued, not
 * only when it rises: a node whose clock is behind re-registers with a lower timestamp, and the
 * record's own version (compared in Elasticsearch) decides what is newest, not the registry's.
 * The enqueued marks belong to one sync policy (`adoptPolicy`): a node that starts trusting
 * another node, or syncing private records, sees every entry again once. And because a changed
 * record whose registration failed leaves the registry as it was, `stale` names the souls not
 * enqueued for a while, so a scan can read them again (a recheck) and transform can compare the
 * record's version with the indexed mark.
 */
import type { Redis } from 'ioredis';
import { stateKeys } from './keys.js';
import { createMaxHash } from './max-hash.js';

export interface VersionedSoul {
  soul: string;
  version: number;
}

export interface Watermarks {
  /** The entries whose version differs from the soul's enqueued mark (or that have none). */
  changed<T extends VersionedSoul>(entries: readonly T[]): Promise<T[]>;
  /** Records the entries as enqueued now (`at`, ms): their versions and the time. */
  markEnqueued(entries: readonly VersionedSoul[], at: number): Promise<void>;
  /**
   * Of `entries`, at most `limit` whose soul was last enqueued before `before` (ms), oldest
   * first; a soul never enqueued counts as oldest.
   */
  stale<T extends VersionedSoul>(
    entries: readonly T[],
    before: number,
    limit: number,
  ): Promise<T[]>;
  markIndexed(soul: string, version: number): Promise<void>;
  indexed(soul: string): Promise<number | undefined>;
  /** Forget a soul's enqueued mark (a dead letter retried, a force sync). */
  reset(soul: string): Promise<void>;
  /**
   * Makes the enqueued marks belong to `policy` (a fingerprint of the settings that decide what
   * is synced). When it differs from the stored one the marks are dropped; returns whether they were.
   */
  adoptPolicy(policy: string): Promise<boolean>;
  counts(): Promise<{ enqueued: number; indexed: number }>;
}

const chunk = 500;

const adoptScript = `
local current = redis.call('GET', KEYS[2])
if current == ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1])
if current then return 1 end
return 2
`;

export function createWatermarks(redis: Redis, prefix: string): Watermarks {
  const keys = stateKeys(prefix);
  const indexed = createMaxHash(redis, keys.indexed);
  return {
    async changed(entries) {
      const out: (typeof entries)[number][] = [];
      for (let i = 0; i < entries.length; i += chunk) {
        const part = entries.slice(i, i + chunk);
        const marks = await redis.hmget(keys.enqueued, ...part.map((e) => e.soul));
        part.forEach((entry, j) => {
          const mark = marks[j];
          if (mark === null || mark === undefined || Number(mark) !== entry.version)
            out.push(entry);
        });
      }
      return out;
    },
    async markEnqueued(entries, at) {
      for (let i = 0; i < entries.length; i += chunk) {
        const part = entries.slice(i, i + chunk);
        if (part.length === 0) continue;
        await redis
          .multi()
          .hset(keys.enqueued, ...part.flatMap((e) => [e.soul, String(e.version)]))
          .zadd(keys.enqueuedAt, ...part.flatMap((e) => [String(at), e.soul]))
          .exec();
      }
    },
    async stale(entries, before, limit) {
      if (limit <= 0) return [];
      const candidates: { entry: (typeof entries)[number]; at: number }[] = [];
      for (let i = 0; i < entries.length; i += chunk) {
        const part = entries.slice(i, i + chunk);
        if (part.length === 0) continue;
        const scores = await redis.zmscore(keys.enqueuedAt, ...part.map((e) => e.soul));
        part.forEach((entry, j) => {
          const score = scores[j];
          const at = score === null || score === undefined ? -1 : Number(score);
          if (at < before) candidates.push({ entry, at });
        });
      }
      return candidates
        .sort((a, b) => a.at - b.at)
        .slice(0, limit)
        .map((c) => c.entry);
    },
    markIndexed: (soul, version) => indexed.raiseOne(soul, version),
    indexed: (soul) => indexed.get(soul),
    async reset(soul) {
      await redis.hdel(keys.enqueued, soul);
    },
    async adoptPolicy(policy) {
      const result = Number(
        await redis.eval(adoptScript, 2, keys.enqueued, keys.syncPolicy, policy),
      );
      return result === 1;
    },
    async counts() {
      return { enqueued: await redis.hlen(keys.enqueued), indexed: await indexed.size() };
    },
  };
}
