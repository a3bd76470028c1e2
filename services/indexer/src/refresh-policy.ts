/**
 * When a bulk request asks Elasticsearch to refresh: a quiet indexer (a small batch, so no
 * backlog behind it) makes what it wrote searchable at once instead of waiting for the index's
 * refresh interval, at most once per `minGapMs`; under a backlog batches fill up and rely on the
 * periodic refresh, which is what keeps a backfill fast. Pure apart from the clock it is given.
 */
export interface QuietRefreshOptions {
  /** A batch of at most this many operations counts as quiet. */
  quietUpTo: number;
  /** Least time between two forced refreshes; 0 = never force one. */
  minGapMs: number;
  now: () => number;
}

export type RefreshChoice = (operations: number) => boolean;

export function makeQuietRefresh({ quietUpTo, minGapMs, now }: QuietRefreshOptions): RefreshChoice {
  let lastForcedAt = Number.NEGATIVE_INFINITY;
  return (operations) => {
    if (minGapMs <= 0 || operations === 0 || operations > quietUpTo) return false;
    const at = now();
    if (at - lastForcedAt < minGapMs) return false;
    lastForcedAt = at;
    return true;
  };
}

/** A batch is quiet when it holds at most a quarter of the job slots (at least one operation). */
export function quietBatchSize(concurrency: number): number {
  return Math.max(1, Math.floor(concurrency / 4));
}
