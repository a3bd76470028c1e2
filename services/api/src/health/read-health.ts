/**
 * One consistent read of everything the health report shows (shared stats, queues, dead
 * letters, peers, dependency checks), for the health route and the status page. Throws what
 * Redis throws; the routes turn an unreachable Redis into OIP's 503 "unavailable".
 */
import type { DeadLetters, Stats, StatsSnapshot } from '@sync/state';
import { runChecks, type DependencyCheck, type PeerProbe } from '../checks.js';
import type { ApiConfig } from '../config.js';
import type { PipelineView, QueueState } from '../pipeline-view.js';
import { toHealthReport } from './to-health-report.js';

export interface HealthSources {
  config: ApiConfig;
  nodeId: string;
  stats: Pick<Stats, 'snapshot'>;
  deadLetters: Pick<DeadLetters, 'count' | 'countByReason'>;
  pipeline: PipelineView;
  peers: PeerProbe;
  checks: Record<string, DependencyCheck>;
  checkTimeoutMs: number;
}

export interface HealthRead {
  report: ReturnType<typeof toHealthReport>;
  snapshot: StatsSnapshot;
  queues: QueueState[];
}

export async function readHealth(sources: HealthSources, at: number): Promise<HealthRead> {
  const { config, stats, deadLetters, pipeline } = sources;
  const stallWindowMinutes = Math.ceil(config.health.maxStallMs / 60_000);
  const [snapshot, stall, queues, total, byReason, peerStatus, dependencies] = await Promise.all([
    stats.snapshot(at, config.health.errorWindowMinutes),
    stats.snapshot(at, stallWindowMinutes),
    pipeline.read(),
    deadLetters.count(),
    deadLetters.countByReason(),
    sources.peers(),
    runChecks(sources.checks, sources.checkTimeoutMs),
  ]);
  const report = toHealthReport({
    now: at,
    config,
    nodeId: sources.nodeId,
    snapshot,
    finishedInStallWindow: stall.recent.ok + stall.recent.errors,
    queues,
    deadLetters: { total, byReason },
    peers: peerStatus,
    dependencies,
  });
  return { report, snapshot, queues };
}
