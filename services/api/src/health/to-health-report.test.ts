import { describe, expect, it } from 'vitest';
import { QueueName } from '@sync/queues';
import { aQueue, aSnapshot, now, testConfig } from '../testing.js';
import { toHealthReport, type HealthReportInput } from './to-health-report.js';

const input = (over: Partial<HealthReportInput> = {}): HealthReportInput => ({
  now,
  config: testConfig({
    GUN_SYNC_TRUSTED_NODES: 'node-a,node-b',
    GUN_SYNC_PRIVATE_RECORDS: 'false',
  }),
  nodeId: 'node-self',
  snapshot: aSnapshot({
    counters: {
      discovered: 40,
      enqueued: 30,
      synced: 27,
      deleted: 1,
      skipped: 2,
      error: 3,
      cycles: 4,
    },
    errorsByReason: { 'invalid-record': 3 },
    skippedByReason: { untrusted: 2 },
    lastScanStartedAt: now - 65_000,
    lastScanEndedAt: now - 42_400,
    cycles: [
      { startedAt: 0, endedAt: 1_000, discovered: 10, enqueued: 10, errors: 0 },
      { startedAt: 0, endedAt: 3_000, discovered: 10, enqueued: 0, errors: 0 },
    ],
    registryCounts: { post: 30, image: 10 },
    recent: { windowMinutes: 15, ok: 28, errors: 3 },
  }),
  finishedInStallWindow: 5,
  queues: [
    aQueue(QueueName.discover),
    aQueue(QueueName.transform, { oldestWaitingAt: now - 4_000 }, { waiting: 2, active: 1 }),
    aQueue(QueueName.index, { oldestWaitingAt: now - 9_000, workers: 2 }, { waiting: 1 }),
  ],
  deadLetters: { total: 3, byReason: { 'invalid-record': 3 } },
  peers: [{ url: 'http://127.0.0.1:8765/gun', kind: 'local', reachable: true, latencyMs: 3 }],
  dependencies: { redis: { ok: true }, elasticsearch: { ok: true }, gun: { ok: true } },
  ...over,
});

describe(toHealthReport.name, () => {
  it("fills OIP's fields from the shared stats", () => {
    const { healthy, body } = toHealthReport(input());
    expect(healthy).toBe(true);
    expect(body).toMatchObject({
      service: 'gun-sync',
      status: 'healthy',
      running: true,
      nodeId: 'node-self',
      metrics: {
        totalDiscovered: 40,
        totalSynced: 27,
        totalErrors: 3,
        successRate: '90%',
        lastSyncTime: new Date(now - 42_400).toISOString(),
        lastSyncAgo: '42s ago',
        averageSyncTime: '2000ms',
        syncCycles: 4,
      },
      configuration: {
        privateRecordsEnabled: false,
        trustedNodes: ['node-a', 'node-b'],
        cacheMaxAge: 0,
        cacheMaxAgeMinutes: 0,
      },
      registry: {
        nodeId: 'node-self',
        registryRoot: 'oip:registry',
        totalRecordsRegistered: 40,
        recordsByType: { post: 30, image: 10 },
      },
    });
  });

  it('adds queues, backlog, lag, dead letters, peers, fingerprint and version', () => {
    const { body } = toHealthReport(input());
    expect(body.queues[QueueName.transform]).toMatchObject({
      waiting: 2,
      active: 1,
      lagMs: 4_000,
      workers: 1,
    });
    expect(body.backlog).toBe(4);
    expect(body.lagMs).toBe(9_000);
    expect(body.deadLetters.total).toBe(3);
    expect(body.peers).toHaveLength(1);
    expect(body.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('uses OIP’s empty values before the first scan', () => {
    const { body } = toHealthReport(input({ snapshot: aSnapshot() }));
    expect(body.metrics).toMatchObject({
      totalDiscovered: 0,
      successRate: '100%',
      lastSyncTime: null,
      lastSyncAgo: 'never',
      averageSyncTime: '0ms',
      syncCycles: 0,
    });
    expect(body.status).toBe('unhealthy');
    expect(body.health.scan).toEqual({ ok: false, detail: 'no full scan has ended yet' });
  });

  it('says not running when no discovery worker is connected', () => {
    const { body } = toHealthReport(
      input({ queues: [aQueue(QueueName.discover, { workers: 0 })] }),
    );
    expect(body.running).toBe(false);
  });

  it('gives trustedNodes null when every node is trusted', () => {
    const { body } = toHealthReport(input({ config: testConfig() }));
    expect(body.configuration.trustedNodes).toBeNull();
  });
});
