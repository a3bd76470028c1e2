/**
 * Deletion tombstones by DID, kept in Redis for good: Elasticsearch forgets a delete's version
 * after index.gc_deletes (60 s), and without this a late older version would bring a deleted
 * record back.
 */
import type { Redis } from 'ioredis';
import { stateKeys } from './keys.js';
import { createMaxHash } from './max-hash.js';

export interface Tombstones {
  put(did: string, deletedAt: number): Promise<void>;
  get(did: string): Promise<number | undefined>;
  getMany(dids: readonly string[]): Promise<(number | undefined)[]>;
  count(): Promise<number>;
}

export function createTombstones(redis: Redis, prefix: string): Tombstones {
  const hash = createMaxHash(redis, stateKeys(prefix).tombstones);
  return {
    async put(did, deletedAt) {
      await hash.raise([[did, deletedAt]]);
    },
    get: (did) => hash.get(did),
    getMany: (dids) => hash.getMany(dids),
    count: () => hash.size(),
  };
}
