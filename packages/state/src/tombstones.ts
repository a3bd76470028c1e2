/**
 * Deletion tombstones by DID, kept in Redis: Elasticsearch forgets a delete's version after
 * index.gc_deletes (60 s), and without this a late older version would bring a deleted record
 * back. A tombstone holds the deletion's version (`deletedAt`) and only ever rises. Two hashes:
 * - pending: written before the delete is sent, so an index job of an older version running
 *   at the same time is held back even where gc_deletes is short;
 * - confirmed: written once Elasticsearch has confirmed the delete. Only a confirmed tombstone
 *   makes a deletion done for discovery, so a delete that failed is enqueued again.
 * Both are removed when the deletion is undone (the DID's deletion index field set to null).
 */
import type { Redis } from 'ioredis';
import { stateKeys } from './keys.js';
import { createMaxHash } from './max-hash.js';

export interface Tombstones {
  /** Marks a deletion as started (not yet confirmed). */
  markPending(did: string, deletedAt: number): Promise<void>;
  /** Marks a deletion as confirmed by Elasticsearch. */
  put(did: string, deletedAt: number): Promise<void>;
  /** The version that holds back indexing: the newer of the pending and confirmed ones. */
  get(did: string): Promise<number | undefined>;
  /** Confirmed versions only: what discovery counts as applied. */
  getMany(dids: readonly string[]): Promise<(number | undefined)[]>;
  /** Forgets a DID's tombstones, pending and confirmed (an un-delete). */
  remove(did: string): Promise<void>;
  /** Every DID with a tombstone of either kind, a page (about `pageSize`) at a time. */
  dids(pageSize?: number): AsyncGenerator<string[]>;
  /** Confirmed tombstones. */
  count(): Promise<number>;
}

export function createTombstones(redis: Redis, prefix: string): Tombstones {
  const keys = stateKeys(prefix);
  const confirmed = createMaxHash(redis, keys.tombstones);
  const pending = createMaxHash(redis, keys.tombstonesPending);
  return {
    markPending: (did, deletedAt) => pending.raiseOne(did, deletedAt),
    put: (did, deletedAt) => confirmed.raiseOne(did, deletedAt),
    async get(did) {
      const [a, b] = await Promise.all([confirmed.get(did), pending.get(did)]);
      if (a === undefined) return b;
      return b === undefined ? a : Math.max(a, b);
    },
    getMany: (dids) => confirmed.getMany(dids),
    async remove(did) {
      await confirmed.remove(did);
      await pending.remove(did);
    },
    async *dids(pageSize = 500) {
      for (const key of [keys.tombstones, keys.tombstonesPending]) {
        let cursor = '0';
        do {
          const [next, flat] = await redis.hscan(key, cursor, 'COUNT', pageSize);
          cursor = next;
          const page = flat.filter((_, i) => i % 2 === 0);
          if (page.length > 0) yield page;
        } while (cursor !== '0');
      }
    },
    count: () => confirmed.size(),
  };
}
