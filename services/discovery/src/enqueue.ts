/**
 * Turns accepted registry entries into transform jobs: only entries above their soul's
 * watermark (unless forced), in fixed-size addBulk chunks, one job per soul waiting at a time
 * (BullMQ deduplication; a newer entry that arrives while the soul is active runs once more
 * after it). The watermark is raised only after the chunk is in Redis, so a crash re-enqueues
 * rather than loses.
 *
 * Each job starts the trace of its record (one per soul and registry version): a short
 * `discovery enqueue` span, linked to the scan or live read that found the entry, whose
 * context the job carries to transform and on to the indexer.
 */
import type { IndexEntry } from '@sync/gun-client';
import { JobName, dedupIdFor, type Producer } from '@sync/queues';
import type { Watermarks } from '@sync/state';
import { startTrace } from '@sync/tracing';

export interface EnqueueDeps {
  transform: Producer<'sync.transform'>;
  watermarks: Watermarks;
  chunkSize: number;
  now: () => Date;
}

export type Trigger = 'scan' | 'live' | 'force';

/** Unchanged entries a full scan reads again: those not enqueued since `before`, at most `limit`. */
export interface Recheck {
  before: number;
  limit: number;
}

export function entryVersion(entry: Pick<IndexEntry, 'timestamp'>): number {
  return entry.timestamp ?? 0;
}

/**
 * Returns how many entries were enqueued: the changed ones (every one when forced), and with
 * `recheck` also unchanged ones not enqueued for a long time, as trigger 'recheck' (a record
 * edited without a new registration is found that way; transform skips it when the indexed
 * version is already the record's).
 */
export function enqueueEntries(
  deps: EnqueueDeps,
  entries: readonly IndexEntry[],
  options: { force: boolean; trigger: Trigger; recheck?: Recheck },
): Promise<number> {
  // One at a time per watermark store: a full scan and a live flush that find the same entry
  // together would both read it as changed before either raised its watermark, and run the
  // record twice (the second run counted as one more attempt of a dead letter).
  const before = inFlight.get(deps.watermarks) ?? Promise.resolve();
  const run = before.then(() => enqueueNow(deps, entries, options));
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  inFlight.set(deps.watermarks, settled);
  void settled.then(() => {
    if (inFlight.get(deps.watermarks) === settled) inFlight.delete(deps.watermarks);
  });
  return run;
}

/** The last enqueue of each watermark store (weakly held: nothing outlives its deps). */
const inFlight = new WeakMap<Watermarks, Promise<void>>();

async function enqueueNow(
  deps: EnqueueDeps,
  entries: readonly IndexEntry[],
  { force, trigger, recheck }: { force: boolean; trigger: Trigger; recheck?: Recheck },
): Promise<number> {
  const versioned = entries.map((entry) => ({ ...entry, version: entryVersion(entry) }));
  const changed: ((typeof versioned)[number] & { trigger: Trigger | 'recheck' })[] = (
    force ? versioned : await deps.watermarks.changed(versioned)
  ).map((entry) => ({ ...entry, trigger }));
  if (recheck && !force && recheck.limit > 0) {
    const changedSouls = new Set(changed.map((entry) => entry.soul));
    const unchanged = versioned.filter((entry) => !changedSouls.has(entry.soul));
    for (const entry of await deps.watermarks.stale(unchanged, recheck.before, recheck.limit))
      changed.push({ ...entry, trigger: 'recheck' });
  }
  const now = deps.now();
  const discoveredAt = now.toISOString();
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
          trigger: entry.trigger,
          discoveredAt,
          trace: startTrace('discovery enqueue', {
            'gun_sync.soul': entry.soul,
            'gun_sync.version': entry.version,
            'gun_sync.trigger': entry.trigger,
          }),
        },
        opts: {
          deduplication: { id: dedupIdFor('transform', entry.soul), keepLastIfActive: true },
        },
      })),
    );
    await deps.watermarks.markEnqueued(chunk, now.getTime());
  }
  return changed.length;
}
