/**
 * The deletion registry (spec §5) into delete jobs. Newest wins, and every deletion ends
 * visibly:
 * - a deletion's version is its `deletedAt` (from its entry node), so every node compares the
 *   same numbers and a delete-then-republish resolves the same everywhere; a `deletedAt` later
 *   than now + GUN_SYNC_MAX_CLOCK_SKEW_MS is parked as `future-version`, an unusable one as
 *   `invalid-deletion` (dead letters of stage discover, counted and logged once);
 * - a listed deletion is enqueued until it is applied: while it has no tombstone as new as its
 *   version (the indexer writes the tombstone only once Elasticsearch confirmed the delete), or
 *   while its document is still indexed at a version up to the deletion's; a failed delete is
 *   therefore retried on the next scan (jobs are deduplicated per DID, not kept by id);
 * - an entry node that cannot be read yet is left for the next scan (counted as pending);
 * - an un-delete (the DID's index field set to null, which GUN and the relay leave out) clears
 *   the tombstone and enqueues the record again, so it comes back; only a deletion index that
 *   was read is trusted for this, never a failed or empty read.
 */
import type { GunNode, GunRegistry } from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import { JobName, dedupIdFor, type Producer } from '@sync/queues';
import type { DeadLetters, Stats, Tombstones } from '@sync/state';
import { enqueueEntries, type EnqueueDeps } from './enqueue.js';
import { isValidDeletion } from './entry-check.js';
import type { IndexedVersions } from './indexed-versions.js';

export interface DeletionDeps extends EnqueueDeps {
  gun: Pick<GunRegistry, 'readDeleted' | 'readDeletion'>;
  index: Producer<'sync.index'>;
  tombstones: Tombstones;
  deadLetters: Pick<DeadLetters, 'record'>;
  stats: Pick<Stats, 'count'>;
  /** Versions of the DIDs' documents in Elasticsearch (absent: not indexed). */
  indexedVersions: IndexedVersions;
  /** GUN_SYNC_MAX_CLOCK_SKEW_MS */
  maxClockSkewMs: number;
}

export type DeletionScan =
  | {
      status: 'ok';
      listed: number;
      enqueued: number;
      /** Parked: future-version or invalid-deletion. */
      rejected: number;
      /** Entry node not readable yet: tried again next scan. */
      pending: number;
      /** Tombstones cleared by an un-delete. */
      undeleted: number;
      /** DIDs no delete job can carry (too long): skipped. */
      invalid: number;
    }
  | { status: 'error'; message: string };

export type DeletionVersion =
  | { ok: true; version: number }
  | { ok: false; reason: 'future-version' | 'invalid-deletion'; detail: string };

/** Entry nodes read at once (each read also waits on the GUN client's own limiter). */
const readConcurrency = 16;

export function soulOfDid(did: string): string | undefined {
  return did.startsWith('did:gun:') && did.length > 'did:gun:'.length
    ? did.slice('did:gun:'.length)
    : undefined;
}

/** `deletedAt` (ms, a number or a string of digits) as a version, capped at now + skew. */
export function deletionVersion(
  node: GunNode,
  { now, maxClockSkewMs }: { now: Date; maxClockSkewMs: number },
): DeletionVersion {
  const raw = node.deletedAt;
  const ms =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\d{1,16}$/.test(raw)
        ? Number(raw)
        : NaN;
  if (!Number.isFinite(ms) || ms < 0)
    return { ok: false, reason: 'invalid-deletion', detail: 'deletedAt is not a time in ms' };
  const version = Math.trunc(ms);
  if (version > now.getTime() + maxClockSkewMs)
    return {
      ok: false,
      reason: 'future-version',
      detail: `deletedAt is ${version - now.getTime()} ms ahead of this node's clock (allowed ${maxClockSkewMs})`,
    };
  return { ok: true, version };
}

/**
 * Whether a listed deletion at `version` still has to be applied: no tombstone as new, or a
 * document still indexed at a version it covers.
 */
export function deletionPending(
  version: number,
  tombstone: number | undefined,
  indexedVersion: number | undefined,
): boolean {
  if (tombstone === undefined || tombstone < version) return true;
  return indexedVersion !== undefined && indexedVersion <= version;
}

async function readVersions(
  deps: DeletionDeps,
  dids: readonly string[],
  log: Logger,
  signal: AbortSignal | undefined,
): Promise<{ versions: Map<string, number>; rejected: number; pending: number }> {
  const versions = new Map<string, number>();
  let rejected = 0;
  let pending = 0;
  const now = deps.now();
  for (let i = 0; i < dids.length; i += readConcurrency) {
    const chunk = dids.slice(i, i + readConcurrency);
    const reads = await Promise.all(
      chunk.map((did) => deps.gun.readDeletion(did, signal ? { signal } : {})),
    );
    for (const [j, read] of reads.entries()) {
      const did = chunk[j] as string;
      if (read.status !== 'found') {
        pending += 1;
        continue;
      }
      const parsed = deletionVersion(read.value, { now, maxClockSkewMs: deps.maxClockSkewMs });
      if (parsed.ok) {
        versions.set(did, parsed.version);
        continue;
      }
      rejected += 1;
      const letter = await deps.deadLetters.record({
        soul: soulOfDid(did) ?? did,
        did,
        stage: 'discover',
        reason: parsed.reason,
        detail: parsed.detail,
        at: now.getTime(),
      });
      if (letter.attempts === 1) {
        await deps.stats.count('error', 1, parsed.reason);
        log.warn({ did, reason: parsed.reason, detail: parsed.detail }, 'deletion parked');
      }
    }
  }
  return { versions, rejected, pending };
}

/** Un-deletes: tombstoned DIDs the deletion index no longer lists, a page at a time. */
async function clearUndeleted(deps: DeletionDeps, listed: ReadonlySet<string>): Promise<number> {
  let cleared = 0;
  for await (const page of deps.tombstones.dids()) {
    const gone = page.filter((did) => !listed.has(did));
    for (const did of gone) await deps.tombstones.remove(did);
    const souls = gone.map(soulOfDid).filter((soul): soul is string => soul !== undefined);
    await enqueueEntries(
      deps,
      souls.map((soul) => ({ soul, recordType: 'unknown', nodeId: null, timestamp: null })),
      { force: true, trigger: 'force' },
    );
    cleared += gone.length;
  }
  return cleared;
}

/** What `enqueueDeletions` did with the DIDs it was given. */
export interface DeletionsEnqueued {
  enqueued: number;
  rejected: number;
  pending: number;
}

/**
 * Delete jobs for the listed DIDs whose deletion is not applied yet: each entry node is read
 * for its version, then checked against the tombstones and the indexed documents. Used by the
 * scan (every listed DID) and by the live path (the DIDs a poll reported).
 */
export async function enqueueDeletions(
  deps: DeletionDeps,
  dids: readonly string[],
  { signal, log }: { signal?: AbortSignal | undefined; log: Logger },
): Promise<DeletionsEnqueued> {
  const { versions, rejected, pending } = await readVersions(deps, dids, log, signal);
  const valid = [...versions.keys()];
  const marks = await deps.tombstones.getMany(valid);
  const toDelete: string[] = [];
  const covered: { did: string; version: number; tombstone: number | undefined }[] = [];
  for (const [i, did] of valid.entries()) {
    const version = versions.get(did) ?? 0;
    if (deletionPending(version, marks[i], undefined)) toDelete.push(did);
    else covered.push({ did, version, tombstone: marks[i] });
  }
  if (covered.length > 0) {
    try {
      const indexed = await deps.indexedVersions(covered.map((c) => c.did));
      for (const c of covered)
        if (deletionPending(c.version, c.tombstone, indexed.get(c.did))) toDelete.push(c.did);
    } catch (err) {
      log.warn({ err }, 'deletions: Elasticsearch did not answer, indexed documents not checked');
    }
  }
  for (let i = 0; i < toDelete.length; i += deps.chunkSize) {
    await deps.index.addBulk(
      toDelete.slice(i, i + deps.chunkSize).map((did) => ({
        name: JobName.deleteDocument,
        data: { did, soul: soulOfDid(did) ?? did, version: versions.get(did) ?? 0 },
        opts: { deduplication: { id: dedupIdFor('delete', did), keepLastIfActive: true } },
      })),
    );
  }
  return { enqueued: toDelete.length, rejected, pending };
}

export async function scanDeletions(
  deps: DeletionDeps,
  { signal, log }: { signal?: AbortSignal; log: Logger },
): Promise<DeletionScan> {
  const result = await deps.gun.readDeleted(signal ? { signal } : {});
  if (result.status === 'error') return { status: 'error', message: result.error.message };
  const listed =
    result.status === 'found'
      ? [...new Set(result.value)].filter((did) => soulOfDid(did) !== undefined)
      : [];
  const dids = listed.filter((did) => isValidDeletion(did, soulOfDid(did) ?? did));
  const { enqueued, rejected, pending } = await enqueueDeletions(deps, dids, { signal, log });
  // A missing index node may be a read that found nothing: never a reason to clear tombstones.
  const undeleted =
    result.status === 'found' ? await clearUndeleted(deps, new Set(result.value)) : 0;
  if (undeleted > 0) log.info({ undeleted }, 'un-deleted records enqueued again');
  return {
    status: 'ok',
    listed: listed.length,
    enqueued,
    rejected,
    pending,
    undeleted,
    invalid: listed.length - dids.length,
  };
}
