/**
 * Per-soul watermarks: the last registry version enqueued and the last record version indexed.
 * Discovery enqueues only entries above their enqueued mark, so an unchanged registry costs
 * no jobs and a restart resumes where it was.
 */
import type { Redis } from 'ioredis';
import { stateKeys } from './keys.js';
import { createMaxHash } from './max-hash.js';

export interface VersionedSoul {
  soul: string;
  version: number;
}

export interface Watermarks {
  /** The entries whose version is above the soul's enqueued mark. */
  changed<T extends VersionedSoul>(entries: readonly T[]): Promise<T[]>;
  markEnqueued(entries: readonly VersionedSoul[]): Promise<void>;
  markIndexed(soul: string, version: number): Promise<void>;
  indexed(soul: string): Promise<number | undefined>;
  /** Forget a soul's enqueued mark (a dead letter retried, a force sync). */
  reset(soul: string): Promise<void>;
  counts(): Promise<{ enqueued: number; indexed: number }>;
}

export function createWatermarks(redis: Redis, prefix: string): Watermarks {
  const keys = stateKeys(prefix);
  const enqueued = createMaxHash(redis, keys.enqueued);
  const indexed = createMaxHash(redis, keys.indexed);
  return {
    async changed(entries) {
      const marks = await enqueued.getMany(entries.map((e) => e.soul));
      return entries.filter((e, i) => marks[i] === undefined || e.version > (marks[i] ?? 0));
    },
    async markEnqueued(entries) {
      await enqueued.raise(entries.map((e) => [e.soul, e.version] as const));
    },
    async markIndexed(soul, version) {
      await indexed.raise([[soul, version]]);
    },
    indexed: (soul) => indexed.get(soul),
    reset: (soul) => enqueued.remove(soul),
    async counts() {
      return { enqueued: await enqueued.size(), indexed: await indexed.size() };
    },
  };
}
