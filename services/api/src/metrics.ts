/**
 * The pipeline as a whole on /metrics: the shared Redis stats, BullMQ queue counts, lag, rate
 * limits and dead letters, and whether each dependency answers, set on each scrape (workers
 * export their own per-process metrics on their probe ports). When Redis cannot be read, only
 * the dependency gauges (and the process's own metrics) are exported. Bound to an injected
 * registry.
 */
import { Gauge, type Registry } from 'prom-client';
import type { StatsSnapshot } from '@sync/state';
import type { CheckResults, PeerStatus } from './checks.js';
import { lagOf, type QueueState } from './pipeline-view.js';

export interface PipelinePicture {
  now: number;
  snapshot: StatsSnapshot;
  queues: QueueState[];
  deadLettersByReason: Record<string, number>;
}

const outcomes = ['discovered', 'enqueued', 'synced', 'deleted', 'skipped', 'error'] as const;

export function createApiMetrics(registry: Registry) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const m = {
    records: gauge(
      'sync_pipeline_records',
      'Records by outcome since the deployment began (shared stats)',
      ['outcome'],
    ),
    errors: gauge('sync_pipeline_errors', 'Failed records by reason since the deployment began', [
      'reason',
    ]),
    skipped: gauge(
      'sync_pipeline_skipped',
      'Skipped records by reason since the deployment began',
      ['reason'],
    ),
    recent: gauge(
      'sync_pipeline_recent_records',
      'Records finished in the health error window (HEALTH_ERROR_WINDOW_MINUTES), by result',
      ['result'],
    ),
    cycles: gauge('sync_pipeline_scan_cycles', 'Full registry scans completed'),
    lastScanEnd: gauge(
      'sync_pipeline_last_scan_end_timestamp_seconds',
      'When the last full scan ended',
    ),
    lastScanStart: gauge(
      'sync_pipeline_last_scan_start_timestamp_seconds',
      'When the last full scan started',
    ),
    lastScanDuration: gauge(
      'sync_pipeline_last_scan_duration_seconds',
      'Duration of the last full scan',
    ),
    averageScanDuration: gauge(
      'sync_pipeline_scan_duration_average_seconds',
      'Mean duration of the recent full scans (up to 50)',
    ),
    registryEntries: gauge(
      'sync_pipeline_registry_entries',
      'Registry index entries by record type, as counted by the last full scan',
      ['record_type'],
    ),
    jobs: gauge('sync_queue_jobs', 'BullMQ jobs by queue and state', ['queue', 'state']),
    workers: gauge('sync_queue_workers', 'Workers connected to each queue', ['queue']),
    paused: gauge('sync_queue_paused', '1 when the queue is paused', ['queue']),
    lag: gauge(
      'sync_queue_lag_seconds',
      'Age of the oldest waiting job of each queue (0 when none waits)',
      ['queue'],
    ),
    rateLimit: gauge(
      'sync_queue_rate_limit_seconds',
      'What is left of the rate-limit pause of each queue (the indexer pauses sync.index while Elasticsearch is down or overloaded); 0 when none holds',
      ['queue'],
    ),
    deadLetters: gauge('sync_dead_letters', 'Dead-lettered records by reason', ['reason']),
    reconcile: gauge(
      'sync_reconcile_entries',
      'Registry entries and indexed documents by state, from the last reconciliation (absent when it could not run)',
      ['state'],
    ),
    reconcileOk: gauge(
      'sync_reconcile_ok',
      '1 when the last reconciliation completed, 0 when it could not run (absent before the first)',
    ),
    reconcileAt: gauge(
      'sync_reconcile_last_timestamp_seconds',
      'When the last reconciliation ended',
    ),
  };
  const dependencyUp = gauge(
    'sync_dependency_up',
    '1 when the dependency answered the API’s time-boxed check at this scrape (redis, elasticsearch, gun: at least one peer)',
    ['dependency'],
  );
  const peerUp = gauge(
    'sync_peer_up',
    '1 when the GUN peer (GUN_PEERS: local, GUN_EXTERNAL_PEERS: external) answered at this scrape; credentials are not in the label',
    ['peer', 'kind'],
  );

  return {
    /** Sets whether each dependency and each configured GUN peer answered. */
    refreshDependencies(results: CheckResults, peers: readonly PeerStatus[]): void {
      dependencyUp.reset();
      for (const [dependency, r] of Object.entries(results))
        dependencyUp.set({ dependency }, r.ok ? 1 : 0);
      peerUp.reset();
      for (const p of peers) peerUp.set({ peer: p.url, kind: p.kind }, p.reachable ? 1 : 0);
    },
    /** Drops the pipeline gauges (their state cannot be read), rather than export stale values. */
    clearPipeline(): void {
      for (const g of Object.values(m)) g.reset();
    },
    /** Sets every pipeline gauge from one consistent read; labels that disappeared are dropped. */
    refresh({ now, snapshot, queues, deadLettersByReason }: PipelinePicture): void {
      for (const g of Object.values(m)) g.reset();
      for (const outcome of outcomes) m.records.set({ outcome }, snapshot.counters[outcome] ?? 0);
      for (const [reason, n] of Object.entries(snapshot.errorsByReason))
        m.errors.set({ reason }, n);
      for (const [reason, n] of Object.entries(snapshot.skippedByReason))
        m.skipped.set({ reason }, n);
      m.recent.set({ result: 'ok' }, snapshot.recent.ok);
      m.recent.set({ result: 'error' }, snapshot.recent.errors);
      m.cycles.set(snapshot.counters.cycles ?? 0);
      if (snapshot.lastScanEndedAt !== undefined)
        m.lastScanEnd.set(snapshot.lastScanEndedAt / 1000);
      if (snapshot.lastScanStartedAt !== undefined)
        m.lastScanStart.set(snapshot.lastScanStartedAt / 1000);
      const [last] = snapshot.cycles;
      if (last) m.lastScanDuration.set((last.endedAt - last.startedAt) / 1000);
      if (snapshot.cycles.length > 0) {
        const total = snapshot.cycles.reduce((sum, c) => sum + (c.endedAt - c.startedAt), 0);
        m.averageScanDuration.set(total / snapshot.cycles.length / 1000);
      }
      for (const [type, n] of Object.entries(snapshot.registryCounts))
        m.registryEntries.set({ record_type: type }, n);
      for (const q of queues) {
        for (const [state, n] of Object.entries(q.counts)) m.jobs.set({ queue: q.name, state }, n);
        if (q.workers !== null) m.workers.set({ queue: q.name }, q.workers);
        m.paused.set({ queue: q.name }, q.paused ? 1 : 0);
        m.lag.set({ queue: q.name }, lagOf(q, now) / 1000);
        m.rateLimit.set({ queue: q.name }, q.rateLimitMs / 1000);
      }
      for (const [reason, n] of Object.entries(deadLettersByReason))
        m.deadLetters.set({ reason }, n);
      const { reconcile } = snapshot;
      if (reconcile) {
        m.reconcileOk.set(reconcile.counts ? 1 : 0);
        m.reconcileAt.set(reconcile.at / 1000);
        for (const [state, n] of Object.entries(reconcile.counts ?? {}))
          m.reconcile.set({ state }, n);
      }
    },
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
