/**
 * Consumes sync.discover: one job walks the registry (all types, one type, one soul, or only
 * the deletion registry), enqueues what changed and reports progress on the job, so the API's
 * force-sync handle can follow it. At most one runs at a time across replicas (the queue's
 * global concurrency is 1). Idempotent: re-running enqueues nothing the watermarks have seen.
 */
import type { Job } from 'bullmq';
import type { GunRegistry, ReadResult } from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import { JobName, type DiscoverJob } from '@sync/queues';
import type { ScanMarks, Stats } from '@sync/state';
import { scanDeletions, type DeletionDeps, type DeletionScan } from './deletions.js';
import { enqueueEntries, type EnqueueDeps } from './enqueue.js';
import { invalidEntryReasons, noInvalid, validEntries, type InvalidCounts } from './entry-check.js';
import { decideEntry, typesToScan, type EntryDecision, type SyncPolicy } from './policy.js';
import type { ReconcileReport, ReconcileSession } from './reconcile/session.js';
import { createLimiter, found } from '@sync/gun-client';
import type { EntrySpill } from '@sync/state';
import { createMemorySpill } from './memory-spill.js';

export interface DiscoverDeps extends EnqueueDeps, DeletionDeps {
  gun: GunRegistry;
  stats: Stats;
  policy: SyncPolicy;
  /**
   * Reconciliation fed by full scans: each type read whole is compared as it is read, and the
   * run ends once every type was (a partial scan aborts it). Its failures never fail the scan.
   */
  reconcile?: {
    start(signal?: AbortSignal): Promise<ReconcileSession>;
    /** The run's report, or why it could not run. */
    done(outcome: { report: ReconcileReport } | { error: unknown }): Promise<void>;
  };
  /**
   * Per-type registry v2 marks: with them (and a registry that can scan incrementally), scans
   * between two full scans read only the v2 buckets since the last mark.
   */
  scanMarks?: ScanMarks;
  /** Longest time between two full scans of a type (GUN_REGISTRY_FULL_SCAN_MS); 0 = always full. */
  fullScanIntervalMs?: number;
  /**
   * Unchanged entries are read again after `everyMs` (GUN_SYNC_RECHECK_MS; 0 = never), spread
   * over the full scans that come every `scanIntervalMs`.
   */
  recheck?: { everyMs: number; scanIntervalMs: number };
  /** Types read at the same time in one scan (default 16): a slow not-found delays only its own. */
  typeConcurrency?: number;
  /**
   * Where one scan's entries of one type wait between the read and the enqueueing (newest per
   * soul): Redis in the service, so memory does not grow with the registry; in process memory
   * without it (tests, small registries).
   */
  entrySpill?: (scanId: string, recordType: string) => EntrySpill;
}

/** Entries enqueued, checked and compared per page. */
const pageSize = 500;

export const defaultTypeConcurrency = 16;

/** How many unchanged entries of a type one full scan rechecks: its share of one recheck period. */
export function recheckLimit(
  entries: number,
  { everyMs, scanIntervalMs }: { everyMs: number; scanIntervalMs: number },
): number {
  if (everyMs <= 0 || entries === 0) return 0;
  return Math.ceil((entries * Math.min(scanIntervalMs, everyMs)) / everyMs);
}

interface TypeRead {
  /** The type's entries, newest per soul, read back a page at a time. */
  spill: EntrySpill;
  /** Every entry of the type was listed (not only those since a mark). */
  full: boolean;
  /** Index children that could not be read: the entries are a part of the type only. */
  unreadable: number;
  /** Index children over GUN_MAX_NODE_BYTES, skipped. */
  tooLarge: number;
  /** Index fields whose entry names another record than their key (a garbled key). */
  garbled: number;
  /** Stores the scan's mark; called once the entries are enqueued. */
  commit: () => Promise<void>;
}

/**
 * One type's entries, streamed into the type's spill: incremental (v2 buckets since the stored
 * mark) while a full scan is not due, else full (every bucket plus legacy-only entries, or the
 * legacy index as a fallback). The spill is cleared on an error; else the caller clears it.
 */
async function readType(
  deps: DiscoverDeps,
  recordType: string,
  { force, scanId, signal }: { force: boolean; scanId: string; signal: AbortSignal | undefined },
): Promise<ReadResult<TypeRead>> {
  const options = signal ? { signal } : {};
  const spill = (deps.entrySpill ?? createMemorySpill)(scanId, recordType);
  const marks = deps.scanMarks;
  try {
    if (!deps.gun.scanTypeIndex || !marks) {
      const index = await deps.gun.readTypeIndex(recordType, options);
      if (index.status === 'error') return index;
      if (index.status === 'found') await spill.add(index.value);
      return found({
        spill,
        full: true,
        unreadable: 0,
        tooLarge: 0,
        garbled: 0,
        commit: async () => {},
      });
    }
    const now = deps.now().getTime();
    const previous = force ? undefined : await marks.get(recordType);
    const full =
      !previous ||
      previous.mark === null ||
      now - previous.fullScanAt >= (deps.fullScanIntervalMs ?? 0);
    const scan = await deps.gun.scanTypeIndex(recordType, {
      ...options,
      since: full ? null : (previous?.mark ?? null),
      mergeLegacy: full,
      onPage: (page) => spill.add(page),
    });
    if (scan.status === 'error') {
      await spill.clear();
      return scan;
    }
    const value = scan.status === 'found' ? scan.value : null;
    // An implementation that ignores onPage returns the entries instead.
    if (value && value.entries.length > 0) await spill.add(value.entries);
    return found({
      spill,
      full,
      unreadable: value?.unreadable ?? 0,
      tooLarge: value?.tooLarge ?? 0,
      garbled: value?.garbled ?? 0,
      commit: () =>
        marks.set(recordType, {
          mark: value?.mark ?? null,
          fullScanAt: full ? now : (previous?.fullScanAt ?? now),
        }),
    });
  } catch (err) {
    await spill.clear().catch(() => undefined);
    throw err;
  }
}

export interface DiscoverSummary {
  scope: DiscoverJob['scope'];
  types: number;
  discovered: number;
  enqueued: number;
  skipped: Record<Exclude<EntryDecision, 'accept'>, number>;
  /** Entries no transform job can carry (spec'd limits of the queue schemas), by reason. */
  invalid: InvalidCounts;
  /** Index children that could not be read (timeouts, errors); their types count as partial. */
  unreadable: number;
  /** Index children over GUN_MAX_NODE_BYTES, skipped (reason too-large-node). */
  tooLarge: number;
  /**
   * Index fields whose entry names another record than their key: keys garbled by a relay's
   * store (`isGarbled`). The entry counts under the record it names; the record the key names
   * is not listed by that field, so a registry with any may list fewer records than it holds.
   */
  garbled: number;
  /** Types read only in part or not at all: no orphan reporting for a scan that has any. */
  partialTypes: string[];
  /**
   * Types not read because the relays' bookkeeping lists no registry node of theirs (0 entries;
   * a forced scan reads them anyway).
   */
  absentTypes: number;
  deletions: Omit<Extract<DeletionScan, { status: 'ok' }>, 'status'> | null;
  errors: string[];
  durationMs: number;
}

export type DiscoverProgress = Pick<DiscoverSummary, 'discovered' | 'enqueued'> & {
  typesDone: number;
  typesTotal: number;
  currentType?: string;
};

export function makeDiscover(deps: DiscoverDeps, log: Logger) {
  return async function discover(
    input: DiscoverJob,
    job: Pick<Job, 'id' | 'updateProgress'>,
    signal?: AbortSignal,
  ): Promise<DiscoverSummary> {
    const startedAt = deps.now().getTime();
    const summary: DiscoverSummary = {
      scope: input.scope,
      types: 0,
      discovered: 0,
      enqueued: 0,
      skipped: { own: 0, untrusted: 0, 'type-filtered': 0 },
      invalid: noInvalid(),
      unreadable: 0,
      tooLarge: 0,
      garbled: 0,
      partialTypes: [],
      absentTypes: 0,
      deletions: null,
      errors: [],
      durationMs: 0,
    };
    const full = input.scope === 'all';
    if (full) await deps.stats.scanStarted(startedAt);

    if (input.scope === 'soul' && input.soul) {
      summary.enqueued = await enqueueEntries(
        deps,
        [
          {
            soul: input.soul,
            recordType: input.recordType ?? 'unknown',
            nodeId: null,
            timestamp: null,
          },
        ],
        { force: true, trigger: 'force' },
      );
    }

    // The deletion registry is read beside the types: its not-found wait (a relay without
    // deletions) overlaps theirs instead of adding to them.
    const deletionScan =
      input.scope === 'all' || input.scope === 'deletions'
        ? scanDeletions(deps, { ...(signal ? { signal } : {}), log })
        : null;
    deletionScan?.catch(() => undefined); // awaited below

    if (input.scope === 'all' || input.scope === 'type') {
      const candidates =
        input.scope === 'type' && input.recordType
          ? [input.recordType]
          : await deps.gun.listRecordTypes(signal ? { signal } : {});
      const all = typesToScan(candidates, deps.policy.typeFilter);
      // Types the relays never stored are not read (each would cost a not-found wait: 3 s on
      // OIP's relay); a forced or single-type scan reads every type it is given.
      const stored = input.scope === 'all' && !input.force ? deps.gun.storedRecordTypes?.() : null;
      const types = stored ? all.filter((type) => stored.has(type)) : all;
      summary.types = all.length;
      summary.absentTypes = all.length - types.length;
      const registryCounts: Record<string, number> = {};
      for (const type of all) if (!types.includes(type)) registryCounts[type] = 0;
      let allFull = true;
      let session: ReconcileSession | undefined;
      const endReconcile = async (outcome: { report: ReconcileReport } | { error: unknown }) => {
        session = undefined;
        await deps.reconcile?.done(outcome);
      };
      if (full && deps.reconcile) {
        try {
          session = await deps.reconcile.start(signal);
        } catch (err) {
          await endReconcile({ error: err });
        }
      }
      const abortReconcile = async (why: string) => {
        if (!session) return;
        await session.abort().catch(() => undefined);
        await endReconcile({ error: new Error(why) });
      };
      // Types are read at once (bounded), each costing at most one not-found wait, and handled
      // one after another in order: enqueueing, the scan mark and the reconciliation session
      // see one type at a time.
      const readLimit = createLimiter(deps.typeConcurrency ?? defaultTypeConcurrency);
      const scanId = `${job.id ?? 'scan'}-${startedAt}`;
      const reads = types.map((recordType) =>
        readLimit(() => readType(deps, recordType, { force: input.force, scanId, signal })),
      );
      for (const read of reads) read.catch(() => undefined); // each is awaited below, in order
      try {
        for (const [i, recordType] of types.entries()) {
          signal?.throwIfAborted();
          const index = await (reads[i] as (typeof reads)[number]);
          if (index.status !== 'found') {
            const err = index.status === 'error' ? index.error : undefined;
            summary.errors.push(`${recordType}: ${err?.message ?? 'not readable'}`);
            summary.partialTypes.push(recordType);
            allFull = false;
            await deps.stats.count('error', 1, 'registry-read');
            log.warn({ recordType, err }, 'registry index read failed');
            await abortReconcile(`the registry index of type ${recordType} could not be read`);
            continue;
          }
          const { spill, full: typeFull, unreadable, tooLarge, garbled, commit } = index.value;
          summary.tooLarge += tooLarge;
          if (garbled > 0) {
            summary.garbled += garbled;
            log.warn(
              { recordType, garbled },
              "registry index fields whose entry names another record than the field's key (a key garbled by the relay's store)",
            );
          }
          if (!typeFull) {
            allFull = false;
            // An incremental read (a full registry scan is not due): no run, the last report stays.
            await session?.abort().catch(() => undefined);
            session = undefined;
          }
          if (unreadable > 0) {
            // Part of the type is missing: not a full listing, and the mark stays where it was.
            allFull = false;
            summary.unreadable += unreadable;
            summary.partialTypes.push(recordType);
            log.warn({ recordType, unreadable }, 'registry index read in part');
            await abortReconcile(`the registry index of type ${recordType} was read in part`);
          }
          const listed = await spill.count();
          registryCounts[recordType] = listed;
          summary.discovered += listed;
          let enqueued = 0;
          try {
            for await (const entries of spill.pages(pageSize)) {
              signal?.throwIfAborted();
              const accepted = validEntries(entries, summary.invalid).filter((entry) => {
                const decision = decideEntry(entry, deps.policy);
                if (decision !== 'accept') summary.skipped[decision] += 1;
                return decision === 'accept';
              });
              const recheck =
                full && typeFull && deps.recheck
                  ? {
                      before: startedAt - deps.recheck.everyMs,
                      limit: recheckLimit(accepted.length, deps.recheck),
                    }
                  : undefined;
              enqueued += await enqueueEntries(deps, accepted, {
                force: input.force,
                trigger: input.force ? 'force' : 'scan',
                ...(recheck ? { recheck } : {}),
              });
              if (session && unreadable === 0) {
                try {
                  await session.addType(recordType, entries);
                } catch (err) {
                  await session.abort().catch(() => undefined);
                  await endReconcile({ error: err });
                }
              }
            }
          } finally {
            await spill.clear();
          }
          summary.enqueued += enqueued;
          if (unreadable === 0) await commit();
          await deps.stats.count('discovered', listed);
          await deps.stats.count('enqueued', enqueued);
          await job.updateProgress({
            discovered: summary.discovered,
            enqueued: summary.enqueued,
            typesDone: i + 1,
            typesTotal: types.length,
            currentType: recordType,
          } satisfies DiscoverProgress);
          log.debug({ recordType, entries: listed, enqueued, full: typeFull }, 'type scanned');
        }
      } finally {
        // Types read but not handled (an abort, an error): their spills go now.
        for (const read of reads)
          void read
            .then((r) => (r.status === 'found' ? r.value.spill.clear() : undefined))
            .catch(() => undefined);
      }
      for (const reason of ['untrusted', 'type-filtered'] as const) {
        if (summary.skipped[reason] > 0)
          await deps.stats.count('skipped', summary.skipped[reason], reason);
      }
      for (const reason of invalidEntryReasons) {
        if (summary.invalid[reason] > 0)
          await deps.stats.count('skipped', summary.invalid[reason], reason);
      }
      if (summary.unreadable > 0)
        await deps.stats.count('skipped', summary.unreadable, 'unreadable-entry');
      if (summary.tooLarge > 0) {
        await deps.stats.count('skipped', summary.tooLarge, 'too-large-node');
        log.warn({ tooLarge: summary.tooLarge }, 'registry nodes over GUN_MAX_NODE_BYTES skipped');
      }
      if (invalidEntryReasons.some((reason) => summary.invalid[reason] > 0))
        log.warn({ invalid: summary.invalid }, 'invalid registry entries skipped');
      // Incremental and partial reads list only some entries: counts and reconciliation need
      // every type listed whole.
      if (full && allFull) await deps.stats.setRegistryCounts(registryCounts);
      if (session) {
        const open = session;
        try {
          if (!allFull) throw new Error('the scan read some types only in part');
          await endReconcile({ report: await open.finish() });
        } catch (err) {
          await open.abort().catch(() => undefined);
          await endReconcile({ error: err });
        }
      }
    }

    if (deletionScan) {
      const deletions = await deletionScan;
      if (deletions.status === 'error') {
        summary.errors.push(`deletions: ${deletions.message}`);
        await deps.stats.count('error', 1, 'registry-read');
      } else {
        const { listed, enqueued, rejected, pending, undeleted, invalid } = deletions;
        summary.deletions = { listed, enqueued, rejected, pending, undeleted, invalid };
        if (invalid > 0) {
          await deps.stats.count('skipped', invalid, 'bad-did');
          log.warn({ invalid }, 'invalid deletion marks skipped');
        }
      }
    }

    const endedAt = deps.now().getTime();
    summary.durationMs = endedAt - startedAt;
    if (full)
      await deps.stats.scanEnded({
        startedAt,
        endedAt,
        discovered: summary.discovered,
        enqueued: summary.enqueued,
        errors: summary.errors.length,
      });
    log.info(
      { ...summary, errors: summary.errors.length, partialTypes: summary.partialTypes.length },
      'discovery finished',
    );
    return summary;
  };
}

export { JobName };
