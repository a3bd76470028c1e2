/**
 * The pure part of reconciliation: what one registry entry, or one indexed document, means
 * once the facts about it are gathered, and the tally of a run (counts, reasons, at most
 * `sampleLimit` samples per state). No I/O: the session gathers the facts a page at a time.
 *
 * Versions: the index holds each document at its record version (`_version`, external: the
 * record's `oip.indexedAt`, capped at now + skew). A registry entry carries a registration time,
 * which is not a record version, so an entry is only a *candidate* for staleness: when it was
 * registered after the indexed copy was synced (`oip.sync.syncedAt`), or on a deep run always.
 * A candidate is stale only once its record, read from GUN, has a version above the indexed one.
 */
import type { IndexEntry } from '@sync/gun-client';

export const sampleLimit = 20;

/** The states a reconciliation reports, in the order they are printed. */
export const reconcileStates = [
  'missing',
  'stale',
  'shouldBeDeleted',
  'orphaned',
  'deadLettered',
  'skipped',
  'queued',
  'unaccounted',
] as const;
export type ReconcileState = (typeof reconcileStates)[number];

/** What is known about one registry entry when it is classified. */
export interface EntryFacts {
  entry: IndexEntry;
  /** Why this node does not sync the entry (policy or an entry no job can carry), if so. */
  skipReason: string | null;
  /** The indexed document of the entry's DID: its version and when gun-sync synced it (ms). */
  indexed: { version: number; syncedAt: number | null } | undefined;
  /** The deletion registry's version (`deletedAt`) for the entry's DID, if it lists it. */
  deletedAt: number | undefined;
  /** Deep run: every indexed entry is a stale candidate. */
  deep: boolean;
}

export type EntryVerdict =
  | { state: 'skipped'; reason: string }
  /** The deletion is the newest event: nothing to index (the document side reports leftovers). */
  | { state: 'deleted' }
  | { state: 'indexed' }
  /** Indexed, but the record may be newer: read it and compare versions. */
  | { state: 'candidate' }
  /** Not indexed: missing unless a dead letter accounts for it. */
  | { state: 'absent' };

export function classifyEntry({
  entry,
  skipReason,
  indexed,
  deletedAt,
  deep,
}: EntryFacts): EntryVerdict {
  if (skipReason !== null) return { state: 'skipped', reason: skipReason };
  // A registration at or before the deletion is what was deleted; a later one is a republish.
  if (deletedAt !== undefined && (entry.timestamp ?? 0) <= deletedAt) return { state: 'deleted' };
  if (indexed === undefined) return { state: 'absent' };
  if (deep) return { state: 'candidate' };
  if (entry.timestamp !== null && (indexed.syncedAt === null || entry.timestamp > indexed.syncedAt))
    return { state: 'candidate' };
  return { state: 'indexed' };
}

/**
 * A candidate's record version against the indexed one: stale when the record is newer and
 * within the version cap (a version past it would be rejected as `future-version`, not indexed).
 */
export function isStale(
  recordVersion: number,
  indexedVersion: number,
  maxVersion: number,
): boolean {
  return recordVersion > indexedVersion && recordVersion <= maxVersion;
}

/** What is known about one indexed gun document when it is classified. */
export interface DocumentFacts {
  version: number;
  /**
   * The newest registration time of the document's soul: a number, null for an entry without
   * one, undefined when no registry entry lists the soul.
   */
  registeredAt: number | null | undefined;
  /** The deletion registry's version for the document's DID, if it lists it. */
  deletedAt: number | undefined;
}

export type DocumentVerdict = 'ok' | 'shouldBeDeleted' | 'orphaned';

export function classifyDocument({
  version,
  registeredAt,
  deletedAt,
}: DocumentFacts): DocumentVerdict {
  if (deletedAt !== undefined) {
    const republished = registeredAt !== undefined && (registeredAt ?? 0) > deletedAt;
    // A version newer than the deletion is a republish that won; an older one must go.
    if (!republished && version <= deletedAt) return 'shouldBeDeleted';
    return 'ok';
  }
  return registeredAt === undefined ? 'orphaned' : 'ok';
}

export interface Sample {
  soul?: string;
  did?: string;
  recordType?: string;
  reason?: string;
  indexedVersion?: number;
  recordVersion?: number;
  deletedAt?: number;
}

export interface StateTally {
  count: number;
  samples: Sample[];
  /** deadLettered and skipped: counts by reason. */
  byReason?: Record<string, number>;
}

export type ReconcileCounts = Record<ReconcileState, StateTally>;

export interface Tally {
  add(state: ReconcileState, sample: Sample, reason?: string): void;
  counts(): ReconcileCounts;
}

export function createTally(limit = sampleLimit): Tally {
  const tallies = Object.fromEntries(
    reconcileStates.map((state) => [state, { count: 0, samples: [] as Sample[] }]),
  ) as ReconcileCounts;
  return {
    add(state, sample, reason) {
      const tally = tallies[state];
      tally.count += 1;
      if (tally.samples.length < limit) tally.samples.push(sample);
      if (reason !== undefined) {
        tally.byReason ??= {};
        tally.byReason[reason] = (tally.byReason[reason] ?? 0) + 1;
      }
    },
    counts: () => tallies,
  };
}

/** The counts alone, by state (metrics, health JSON). */
export function toStateCounts(counts: ReconcileCounts): Record<ReconcileState, number> {
  return Object.fromEntries(reconcileStates.map((s) => [s, counts[s].count])) as Record<
    ReconcileState,
    number
  >;
}
