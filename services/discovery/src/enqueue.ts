/**
 * Turns accepted registry entries into transform jobs: only entries above their soul's
 * watermark (unless forced), in fixed-size addBulk chunks, one job per soul waiting at a time
 * (BullMQ deduplication; a newer entry that arrives while the soul is active runs once more
 * after it). The watermark is raised only after the chunk is in Redis, so a crash re-enqueues
 * rather than loses.
 */
import type { IndexEntry } from '@sync/gun-client';
import { JobName, dedupIdFor, type Producer } from '@sync/queues';
import type { Watermarks } from '@sync/state';

export interface EnqueueDeps {
  transform: Producer<'sync.transform'>;
  watermarks: Watermarks;
  chunkSize: number;
  now: () => Date;
}

export type Trigger = 'scan' | 'live' | 'force';

export function entryVersion(entry: Pick<IndexEntry, 'timestamp'>): number {
  return entry.timestamp ?? 0;
}

/** Returns how many entries were enqueued (the rest were unchanged). */
export async function enqueueEntries(
  deps: EnqueueDeps,
  entries: readonly IndexEntry[],
  { force, trigger }: { force: boolean; trigger: Trigger },
): Promise<number> {
  const versioned = entries.map((entry) => ({ ...entry, version: entryVersion(entry) }));
  const changed = force ? versioned : await deps.watermarks.changed(versioned);
  const discoveredAt = deps.now().toISOString();
  for (let i = 0; i < changed.length; i += deps.chunkSize) {
    const chunk = changed.slice(i, i + deps.chunkSize);
    await deps.transform.addBulk(
      chunk.map((entry) => ({
        name: JobName.transformRecord,
        data: {
          soul: entry.soul,
          recordType: entry.recordType,
          nodeId: entry.nodeId ?? 'unknown',
          ...(entry.timestamp !== null ? { registryTimestamp: entry.timestamp } : {}),
          trigger,
          discoveredAt,
        },
        opts: {
          deduplication: { id: dedupIdFor('transform', entry.soul), keepLastIfActive: true },
        },
      })),
    );
    await deps.watermarks.markEnqueued(chunk);
  }
  return changed.length;
}
