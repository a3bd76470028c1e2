/**
 * Reconciliation on discovery's schedule: each full scan feeds a run (discover.ts), whose
 * counts become the gauge `sync_discovery_reconcile_entries{state}` and the shared summary the
 * API shows (`/metrics` `sync_reconcile_entries{state}`, the health JSON's `reconcile`). A run
 * that cannot complete (a relay or Elasticsearch down, a type read in part) leaves no counts:
 * the gauges are reset and the summary carries the error line, never a partial "0 missing".
 */
import type { Logger } from '@sync/logging';
import type { Stats } from '@sync/state';
import type { DiscoveryMetrics } from '../metrics.js';
import { reconcileStates, toStateCounts } from './classify.js';
import { describeError } from './errors.js';
import { makeRelayCheck } from './relay-check.js';
import {
  startReconcile,
  type ReconcileDeps,
  type ReconcileReport,
  type ReconcileSession,
} from './session.js';

export interface ReconcileHookOptions {
  deps: ReconcileDeps;
  /** Every configured relay (GUN_PEERS and GUN_EXTERNAL_PEERS). */
  peers: readonly string[];
  timeoutMs: number;
  stats: Pick<Stats, 'setReconciliation'>;
  metrics: Pick<DiscoveryMetrics, 'reconcileEntries' | 'reconcileOk'>;
  log: Logger;
}

export function makeReconcileHook({
  deps,
  peers,
  timeoutMs,
  stats,
  metrics,
  log,
}: ReconcileHookOptions) {
  const { reconcileEntries: gauge, reconcileOk: ok } = metrics;
  const checkRelays = makeRelayCheck(peers, timeoutMs);
  let startedAt = 0;
  return {
    async start(signal?: AbortSignal): Promise<ReconcileSession> {
      startedAt = deps.now().getTime();
      await checkRelays(signal);
      return startReconcile(deps, signal ? { signal } : {});
    },
    async done(outcome: { report: ReconcileReport } | { error: unknown }): Promise<void> {
      const at = deps.now().getTime();
      if ('error' in outcome) {
        gauge.reset();
        ok.set(0);
        const error = describeError(outcome.error);
        log.warn({ err: outcome.error }, 'reconciliation could not run');
        await stats.setReconciliation({ at, durationMs: at - startedAt, error });
        return;
      }
      const counts = toStateCounts(outcome.report.counts);
      for (const state of reconcileStates) gauge.set({ state }, counts[state]);
      ok.set(1);
      const level =
        counts.unaccounted + counts.stale + counts.shouldBeDeleted > 0 ? 'warn' : 'info';
      log[level](
        { ...counts, entries: outcome.report.entries, documents: outcome.report.documents },
        'reconciliation finished',
      );
      await stats.setReconciliation({ at, durationMs: outcome.report.durationMs, counts });
    },
  };
}
