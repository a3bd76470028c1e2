/**
 * The live path: entries the GUN subscription reports are buffered briefly and enqueued in
 * small batches through the same watermark + dedup path as a scan. The buffer is bounded;
 * what overflows is counted and left to the next full scan.
 */
import type { GunRegistry, IndexEntry } from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import type { Stats } from '@sync/state';
import { enqueueEntries, type EnqueueDeps } from './enqueue.js';
import { checkEntry, invalidEntryReasons, noInvalid } from './entry-check.js';
import { decideEntry, type SyncPolicy } from './policy.js';

export interface LiveDeps extends EnqueueDeps {
  gun: Pick<GunRegistry, 'subscribe'>;
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
  let dropped = 0;
  let invalid = noInvalid();
  let flushing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    timer = undefined;
    const entries = [...buffer.values()];
    buffer.clear();
    const skipped = invalid;
    invalid = noInvalid();
    if (entries.length === 0 && invalidEntryReasons.every((r) => skipped[r] === 0)) return;
    flushing = flushing
      .then(async () => {
        for (const reason of invalidEntryReasons)
          await deps.stats.count('skipped', skipped[reason], reason);
        if (invalidEntryReasons.some((r) => skipped[r] > 0))
          deps.log.warn({ invalid: skipped }, 'invalid registry entries skipped');
        if (entries.length === 0) return;
        const enqueued = await enqueueEntries(deps, entries, { force: false, trigger: 'live' });
        await deps.stats.count('discovered', entries.length);
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

  const unsubscribe = deps.gun.subscribe(recordTypes, (entry) => {
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
  });

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
