/**
 * Builds the GET /api/health/gun-sync body: OIP's JSON shape (spec §7; no field removed) filled
 * from the shared Redis stats, plus what OIP never had: the rule's checks, queue depths, lag,
 * dead letters, peers, dependency state, the config fingerprint and the version. Pure.
 */
import type { StatsSnapshot } from '@sync/state';
import type { ApiConfig } from '../config.js';
import type { CheckResults, PeerStatus } from '../checks.js';
import { lagOf, toBacklog, type JobState, type QueueState } from '../pipeline-view.js';
import { QueueName } from '@sync/queues';
import { evaluateHealth, formatPercent, type HealthVerdict } from './health-rule.js';

export interface HealthReportInput {
  now: number;
  config: Pick<ApiConfig, 'version' | 'fingerprint' | 'sync' | 'gun' | 'health'>;
  nodeId: string;
  /** Stats over the error window. */
  snapshot: StatsSnapshot;
  /** Records finished (synced, deleted, failed) within the stall window. */
  finishedInStallWindow: number;
  queues: QueueState[];
  deadLetters: { total: number; byReason: Record<string, number> };
  peers: PeerStatus[];
  /** Each dependency check's result (the same checks /metrics exports as sync_dependency_up). */
  dependencies: CheckResults;
}

type QueueReport = Record<JobState, number> & {
  paused: boolean;
  workers: number | null;
  lagMs: number;
};

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();

function successRate(synced: number, errors: number): string {
  return synced + errors === 0 ? '100%' : formatPercent((synced / (synced + errors)) * 100);
}

function averageCycleMs(snapshot: StatsSnapshot): number {
  const { cycles } = snapshot;
  if (cycles.length === 0) return 0;
  return Math.round(cycles.reduce((sum, c) => sum + (c.endedAt - c.startedAt), 0) / cycles.length);
}

export function toHealthReport(input: HealthReportInput) {
  const { now, config, snapshot, queues } = input;
  const counter = (name: string): number => snapshot.counters[name] ?? 0;
  const { backlog, lagMs } = toBacklog(queues, now);
  const verdict: HealthVerdict = evaluateHealth(
    {
      now,
      syncEnabled: config.sync.enabled,
      lastScanStartedAt: snapshot.lastScanStartedAt,
      lastScanEndedAt: snapshot.lastScanEndedAt,
      backlog,
      lagMs,
      finishedInStallWindow: input.finishedInStallWindow,
      recent: snapshot.recent,
      dependencies: input.dependencies,
    },
    config.health,
  );
  const discoverWorkers = queues.find((q) => q.name === QueueName.discover)?.workers ?? null;
  const recentFinished = snapshot.recent.ok + snapshot.recent.errors;
  const recordsByType = snapshot.registryCounts;
  const { lastScanEndedAt } = snapshot;

  return {
    healthy: verdict.healthy,
    body: {
      service: 'gun-sync' as const,
      status: verdict.healthy ? ('healthy' as const) : ('unhealthy' as const),
      // Scans are scheduled and a discovery worker is connected (when Redis lets us count workers).
      running: config.sync.enabled && (discoverWorkers === null || discoverWorkers > 0),
      nodeId: input.nodeId,
      version: config.version,
      fingerprint: config.fingerprint,
      checkedAt: new Date(now).toISOString(),
      health: verdict.checks,
      metrics: {
        totalDiscovered: counter('discovered'),
        totalSynced: counter('synced'),
        totalErrors: counter('error'),
        successRate: successRate(counter('synced'), counter('error')),
        lastSyncTime: iso(lastScanEndedAt),
        lastSyncAgo:
          lastScanEndedAt === undefined
            ? 'never'
            : `${Math.max(0, Math.round((now - lastScanEndedAt) / 1000))}s ago`,
        averageSyncTime: `${averageCycleMs(snapshot)}ms`,
        syncCycles: counter('cycles'),
        totalEnqueued: counter('enqueued'),
        totalDeleted: counter('deleted'),
        totalSkipped: counter('skipped'),
        errorsByReason: snapshot.errorsByReason,
        skippedByReason: snapshot.skippedByReason,
        lastScanStartedAt: iso(snapshot.lastScanStartedAt),
        recent: {
          windowMinutes: snapshot.recent.windowMinutes,
          finished: recentFinished,
          errors: snapshot.recent.errors,
          errorRate:
            recentFinished === 0
              ? '0%'
              : formatPercent((snapshot.recent.errors / recentFinished) * 100),
        },
      },
      configuration: {
        privateRecordsEnabled: config.sync.privateRecords,
        trustedNodes: config.sync.trustedNodes.length > 0 ? [...config.sync.trustedNodes] : null,
        // gun-sync keeps no in-memory "processed records" cache to expire (dedup lives in Redis
        // watermarks and BullMQ job ids), so the cache age OIP reports is 0.
        cacheMaxAge: 0,
        cacheMaxAgeMinutes: 0,
        syncEnabled: config.sync.enabled,
        syncInterval: config.sync.intervalMs,
        recordTypes: config.sync.recordTypes.length > 0 ? [...config.sync.recordTypes] : null,
        recordTypeIndexMode: config.sync.typeFilter.mode,
        recordTypeWhitelist: [...config.sync.typeFilter.whitelist],
        recordTypeBlacklist: [...config.sync.typeFilter.blacklist],
        registryRoot: config.gun.root,
        gunClientMode: config.gun.mode,
        fingerprint: config.fingerprint,
        healthRule: {
          maxScanAgeMs: config.health.maxScanAgeMs,
          maxStallMs: config.health.maxStallMs,
          errorWindowMinutes: config.health.errorWindowMinutes,
          maxErrorPercent: config.health.maxErrorPercent,
          minSamples: config.health.minSamples,
        },
      },
      registry: {
        nodeId: input.nodeId,
        registryRoot: config.gun.root,
        totalRecordsRegistered: Object.values(recordsByType).reduce((a, b) => a + b, 0),
        recordsByType,
        countedAt: iso(lastScanEndedAt),
      },
      queues: Object.fromEntries(
        queues.map((q): [string, QueueReport] => [
          q.name,
          { ...q.counts, paused: q.paused, workers: q.workers, lagMs: lagOf(q, now) },
        ]),
      ),
      backlog,
      lagMs: lagMs ?? 0,
      deadLetters: input.deadLetters,
      peers: input.peers,
      reconcile: snapshot.reconcile
        ? {
            at: new Date(snapshot.reconcile.at).toISOString(),
            durationMs: Math.max(0, Math.round(snapshot.reconcile.durationMs)),
            counts: snapshot.reconcile.counts ?? null,
            error: snapshot.reconcile.error ?? null,
          }
        : null,
      dependencies: input.dependencies,
    },
  };
}

export type HealthReport = ReturnType<typeof toHealthReport>['body'];
