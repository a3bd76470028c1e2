/**
 * Per record type: the registry v2 mark of the last scan (the newest bucket it read) and when
 * the last full scan ended. Discovery reads only the buckets at or after the mark until a full
 * scan is due. One small Redis hash: one field per record type.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { stateKeys } from './keys.js';

export interface ScanMark {
  /** The `mark` of GunRegistry.scanTypeIndex; null when the type had no v2 buckets. */
  mark: string | null;
  /** When the last full scan of the type ended (ms since the epoch). */
  fullScanAt: number;
}

const scanMarkSchema = z.object({
  mark: z.string().max(64).nullable(),
  fullScanAt: z.number().int().nonnegative(),
});

export interface ScanMarks {
  get(recordType: string): Promise<ScanMark | undefined>;
  set(recordType: string, mark: ScanMark): Promise<void>;
  /** Forget every type's mark: the next scans are full. */
  clear(): Promise<void>;
}

export function createScanMarks(redis: Redis, prefix: string): ScanMarks {
  const key = stateKeys(prefix).scanMarks;
  return {
    async get(recordType) {
      const raw = await redis.hget(key, recordType);
      if (raw === null) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return undefined;
      }
      const result = scanMarkSchema.safeParse(parsed);
      return result.success ? result.data : undefined;
    },
    async set(recordType, mark) {
      await redis.hset(key, recordType, JSON.stringify(scanMarkSchema.parse(mark)));
    },
    async clear() {
      await redis.del(key);
    },
  };
}
