import { Type } from 'typebox';
import { Nullable } from './common.js';

const Count = Type.Integer({ minimum: 0 });
const Counts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));
const RuleCheck = Type.Object({ ok: Type.Boolean(), detail: Type.String() });

const QueueReport = Type.Object({
  waiting: Count,
  prioritized: Count,
  active: Count,
  delayed: Count,
  'waiting-children': Count,
  failed: Count,
  completed: Count,
  paused: Type.Boolean(),
  workers: Nullable(Count),
  lagMs: Count,
});

export const PeerStatus = Type.Object({
  url: Type.String(),
  kind: Type.Union([Type.Literal('local'), Type.Literal('external')]),
  reachable: Type.Boolean(),
  latencyMs: Type.Optional(Count),
  error: Type.Optional(Type.String()),
});

/** OIP's GET /api/health/gun-sync body (spec §7), every OIP field kept, more added. */
export const HealthReport = Type.Object(
  {
    service: Type.Literal('gun-sync'),
    status: Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')]),
    running: Type.Boolean(),
    nodeId: Type.String(),
    version: Type.String(),
    fingerprint: Type.String(),
    checkedAt: Type.String({ format: 'date-time' }),
    health: Type.Object(
      { scan: RuleCheck, progress: RuleCheck, errors: RuleCheck, dependencies: RuleCheck },
      { description: 'The four conditions of the health rule; healthy when all are ok' },
    ),
    metrics: Type.Object({
      totalDiscovered: Count,
      totalSynced: Count,
      totalErrors: Count,
      successRate: Type.String({ examples: ['100%'] }),
      lastSyncTime: Nullable(Type.String({ format: 'date-time' })),
      lastSyncAgo: Type.String({ examples: ['42s ago', 'never'] }),
      averageSyncTime: Type.String({ examples: ['1234ms'] }),
      syncCycles: Count,
      totalEnqueued: Count,
      totalDeleted: Count,
      totalSkipped: Count,
      errorsByReason: Counts,
      skippedByReason: Counts,
      lastScanStartedAt: Nullable(Type.String({ format: 'date-time' })),
      recent: Type.Object({
        windowMinutes: Count,
        finished: Count,
        errors: Count,
        errorRate: Type.String(),
      }),
    }),
    configuration: Type.Object({
      privateRecordsEnabled: Type.Boolean(),
      trustedNodes: Nullable(Type.Array(Type.String())),
      cacheMaxAge: Count,
      cacheMaxAgeMinutes: Count,
      syncEnabled: Type.Boolean(),
      syncInterval: Count,
      recordTypes: Nullable(Type.Array(Type.String())),
      recordTypeIndexMode: Type.String(),
      recordTypeWhitelist: Type.Array(Type.String()),
      recordTypeBlacklist: Type.Array(Type.String()),
      registryRoot: Type.String(),
      gunClientMode: Type.String(),
      fingerprint: Type.String(),
      healthRule: Type.Object({
        maxScanAgeMs: Count,
        maxStallMs: Count,
        errorWindowMinutes: Count,
        maxErrorPercent: Count,
        minSamples: Count,
      }),
    }),
    registry: Type.Object({
      nodeId: Type.String(),
      registryRoot: Type.String(),
      totalRecordsRegistered: Count,
      recordsByType: Counts,
      countedAt: Nullable(Type.String({ format: 'date-time' })),
    }),
    queues: Type.Record(Type.String(), QueueReport),
    backlog: Count,
    lagMs: Count,
    deadLetters: Type.Object({ total: Count, byReason: Counts }),
    peers: Type.Array(PeerStatus),
    reconcile: Nullable(
      Type.Object(
        {
          at: Type.String({ format: 'date-time' }),
          durationMs: Count,
          counts: Nullable(Counts),
          error: Nullable(Type.String()),
        },
        {
          description:
            'The last reconciliation discovery ran after a full scan: counts by state (missing, stale, shouldBeDeleted, orphaned, deadLettered, skipped, queued, unaccounted), or the error line when it could not run; null before the first',
        },
      ),
    ),
    dependencies: Type.Record(
      Type.String(),
      Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) }),
      { description: 'Redis, Elasticsearch and GUN (at least one peer): answered, or why not' },
    ),
  },
  { description: 'Sync health in OIP’s shape, from the shared pipeline stats' },
);

/** OIP's body when the service cannot answer (here: Redis unreachable). */
export const HealthUnavailable = Type.Object(
  {
    service: Type.Literal('gun-sync'),
    status: Type.Literal('unavailable'),
    message: Type.String(),
  },
  { description: 'The pipeline state cannot be read (Redis is unreachable)' },
);
