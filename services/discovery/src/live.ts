/**
 * The live path: entries the GUN subscription reports are buffered briefly and enqueued in
 * small batches through the same watermark + dedup path as a scan. The buffer is bounded;
 * what overflows is counted and left to the next full scan. Deletions the subscription
 * reports (HTTP polling) go the scan's way too: marked DIDs through `enqueueDeletions`, a
 * changed deletion index through one deletion scan (at most one at a time).
 */
import type { DeletionsChanged, GunRegistry, IndexEntry } from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import type { Stats } from '@sync/state';
import { enqueueEntries, type EnqueueDeps } from './enqueue.js';
import { enqueueDeletions, scanDeletions, soulOfDid, type DeletionDeps } from './deletions.js';
import { checkEntry, invalidEntryReasons, isValidDeletion, noInvalid } from './entry-check.js';
import { decideEntry, type SyncPolicy } from './policy.js';

export interface LiveDeps extends EnqueueDeps {
  gun: Pick<GunRegistry, 'subscribe'>;
  /** With them, deletions the subscription reports are applied live. */
  deletions?: DeletionDeps;
  stats: Stats;
  policy: SyncPolicy;
  log: Logger;
  flushMs: number;
  maxBuffered: number;
}

export interface LiveSync {
  close(): Promise<void>;
  buffered(): number;
}

export function startLiveSync(deps: LiveDeps, recordTypes: readonly string[]): LiveSync {
  // Keyed by soul: a burst of changes to one record is one job.
  const buffer = new Map<string, IndexEntry>();
  const deletedDids = new Set<string>();
  let rescanDeletions = false;
  let dropped = 0;
  let invalid = noInvalid();
  let flushing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    timer = undefined;
    const entries = [...buffer.values()];
    buffer.clear();
    const dids = [...deletedDids];
    deletedDids.clear();
    const rescan = rescanDeletions;
    rescanDeletions = false;
    const skipped = invalid;
    invalid = noInvalid();
    if (dids.length > 0 || rescan)
      flushing = flushing
        .then(() => applyDeletions(dids, rescan))
        .catch((err: unknown) =>
          deps.log.warn({ err }, 'live deletions failed; the next full scan picks these up'),
        );
    if (entries.length === 0 && invalidEntryReasons.every((r) => skipped[r] === 0)) return;
    flushing = flushing
      .then(async () => {
        for (const reason of invalidEntryReasons)
          await deps.stats.count('skipped', skipped[reason], reason);
        if (invalidEntryReasons.some((r) => skipped[r] > 0))
          deps.log.warn({ invalid: skipped }, 'invalid registry entries skipped');
        if (entries.length === 0) return;
        const enqueued = await enqueueEntries(deps, entries, { force: false, trigger: 'live' });
        // `discovered` counts the entries scans list (OIP's per-cycle count); a live report of
        // the same entries would count them twice, so the live path counts what it enqueued.
        await deps.stats.count('enqueued', enqueued);
        if (dropped > 0) {
          deps.log.warn({ dropped }, 'live buffer overflowed; the next full scan picks these up');
          dropped = 0;
        }
        deps.log.debug({ entries: entries.length, enqueued }, 'live entries enqueued');
      })
      .catch((err: unknown) =>
        deps.log.warn(
          { err, entries: entries.length },
          'live enqueue failed; the next full scan picks these up',
        ),
      );
  };

  const applyDeletions = async (dids: readonly string[], rescan: boolean): Promise<void> => {
    const deletions = deps.deletions;
    if (!deletions) return;
    if (rescan) {
      const scan = await scanDeletions(deletions, { log: deps.log });
      if (scan.status === 'error')
        deps.log.warn({ err: scan.message }, 'live deletion scan failed');
      else deps.log.debug({ enqueued: scan.enqueued }, 'live deletion scan');
      return; // the scan read every listed DID
    }
    const valid = dids.filter((did) => isValidDeletion(did, soulOfDid(did) ?? did));
    if (valid.length < dids.length) {
      await deps.stats.count('skipped', dids.length - valid.length, 'bad-did');
      deps.log.warn({ invalid: dids.length - valid.length }, 'invalid deletion marks skipped');
    }
    const { enqueued } = await enqueueDeletions(deletions, valid, { log: deps.log });
    deps.log.debug({ dids: valid.length, enqueued }, 'live deletions enqueued');
  };

  const onDeletions = deps.deletions
    ? (change: DeletionsChanged) => {
        if (change.dids === null) rescanDeletions = true;
        else
          for (const did of change.dids) {
            if (deletedDids.size >= deps.maxBuffered) {
              rescanDeletions = true; // too many at once: read the deletion index instead
              break;
            }
            deletedDids.add(did);
          }
        timer ??= setTimeout(flush, deps.flushMs);
      }
    : undefined;

  const unsubscribe = deps.gun.subscribe(
    recordTypes,
    (entry) => {
      const reason = checkEntry(entry);
      if (reason) {
        invalid[reason] += 1;
        timer ??= setTimeout(flush, deps.flushMs);
        return;
      }
      if (decideEntry(entry, deps.policy) !== 'accept') return;
      if (buffer.size >= deps.maxBuffered && !buffer.has(entry.soul)) {
        dropped += 1;
        return;
      }
      buffer.set(entry.soul, entry);
      timer ??= setTimeout(flush, deps.flushMs);
    },
    onDeletions,
  );

  let closing: Promise<void> | undefined;
  return {
    buffered: () => buffer.size,
    close() {
      closing ??= (async () => {
        unsubscribe();
        if (timer) clearTimeout(timer);
        flush();
        await flushing;
      })();
      return closing;
    },
  };
}
