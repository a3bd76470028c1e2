/**
 * In-memory fakes of the API's narrow interfaces, for `app.inject()` unit tests. The real
 * implementations (Redis stats and dead letters, BullMQ queues) are covered by test/*.int.test.ts.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach } from 'vitest';
import type { Registration } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import type { DeadLetter, DeadLetters, StatsSnapshot } from '@sync/state';
import { buildApp, type ApiApp, type ApiDeps } from './app.js';
import { loadApiConfig } from './config.js';
import { jobStates, type QueueState } from './pipeline-view.js';
import type { StatusSample, StatusSeries } from './status/status-series.js';
import type { ScanRequest, ScanStatus, SyncControl } from './sync-control.js';

export const adminToken = 'test-admin-token-0123456789';
export const bearer = { authorization: `Bearer ${adminToken}` };
export const now = Date.parse('2026-11-21T12:00:00.000Z');

export function testConfig(env: Record<string, string> = {}) {
  return loadApiConfig({ API_ADMIN_TOKEN: adminToken, GUN_SYNC_INTERVAL: '60000', ...env });
}

export function aSnapshot(over: Partial<StatsSnapshot> = {}): StatsSnapshot {
  return {
    counters: {},
    errorsByReason: {},
    skippedByReason: {},
    cycles: [],
    registryCounts: {},
    recent: { windowMinutes: 15, ok: 0, errors: 0 },
    freshness: { samples: 0, p50Ms: null, p95Ms: null, maxMs: null },
    ...over,
  };
}

export function aQueue(
  name: string,
  over: Partial<QueueState> = {},
  counts: Partial<QueueState['counts']> = {},
): QueueState {
  return {
    name,
    counts: {
      ...(Object.fromEntries(jobStates.map((s) => [s, 0])) as QueueState['counts']),
      ...counts,
    },
    paused: false,
    workers: 1,
    oldestWaitingAt: null,
    rateLimitMs: 0,
    ...over,
  };
}

export function memoryDeadLetters(initial: DeadLetter[] = []): Pick<
  DeadLetters,
  'list' | 'get' | 'remove' | 'count' | 'countByReason'
> & {
  entries: Map<string, DeadLetter>;
} {
  const entries = new Map(initial.map((d) => [d.soul, d]));
  const sorted = () => [...entries.values()].sort((a, b) => b.lastFailedAt - a.lastFailedAt);
  return {
    entries,
    async list({ reason, offset = 0, limit = 50 } = {}) {
      const matching = sorted().filter((d) => !reason || d.reason === reason);
      return { total: matching.length, items: matching.slice(offset, offset + limit) };
    },
    get: async (soul) => entries.get(soul),
    remove: async (soul) => entries.delete(soul),
    count: async () => entries.size,
    async countByReason() {
      const counts: Record<string, number> = {};
      for (const d of entries.values()) counts[d.reason] = (counts[d.reason] ?? 0) + 1;
      return counts;
    },
  };
}

export function aDeadLetter(
  soul: string,
  reason = 'invalid-record',
  over: Partial<DeadLetter> = {},
): DeadLetter {
  return {
    soul,
    did: `did:gun:${soul}`,
    stage: 'transform',
    reason,
    detail: `${reason}: test`,
    firstFailedAt: now - 60_000,
    lastFailedAt: now - 1_000,
    attempts: 1,
    ...over,
  };
}

/** Records what was asked; scans are looked up in `statuses`. */
export function recordingControl(statuses: Record<string, ScanStatus> = {}) {
  const scans: ScanRequest[] = [];
  const retried: string[][] = [];
  let next = 0;
  const control: SyncControl = {
    async requestScan(request) {
      scans.push(request);
      next += 1;
      return {
        id: `force-00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
        deduplicated: false,
      };
    },
    scanStatus: async (id) => statuses[id],
    async retrySouls(souls) {
      retried.push([...souls]);
      return souls.map((_, i) => `retry-${i}`);
    },
  };
  return { control, scans, retried };
}

export function recordingWriter(fail?: Error) {
  const registrations: Registration[] = [];
  return {
    registrations,
    writer: {
      async register(entry: Registration) {
        if (fail) throw fail;
        registrations.push(entry);
      },
    },
  };
}

/** The status series in memory: one sample per step, the last hour. */
export function memorySeries(stepMs = 10_000, keepMs = 3_600_000): StatusSeries {
  const samples = new Map<number, StatusSample>();
  return {
    stepMs,
    async record(sample) {
      const step = Math.floor(sample.t / stepMs) * stepMs;
      if (samples.has(step) || [...samples.keys()].some((t) => t > step)) return false;
      samples.set(step, { ...sample, t: step });
      for (const t of samples.keys()) if (t < step - keepMs) samples.delete(t);
      return true;
    },
    read: async (at) => [...samples.values()].filter((s) => s.t >= at - keepMs),
  };
}

export function testDeps(over: Partial<ApiDeps> = {}): ApiDeps {
  return {
    log: createSilentLogger(),
    config: testConfig(),
    nodeId: 'node-test',
    checks: {},
    peers: async () => [],
    stats: { snapshot: async () => aSnapshot() },
    deadLetters: memoryDeadLetters(),
    pipeline: { read: async () => [] },
    control: recordingControl().control,
    registryWriter: recordingWriter().writer,
    reconciler: {
      run: () => Promise.reject(new Error('this test gave no reconciler')),
    },
    series: memorySeries(),
    metricsRegistry: new Registry(),
    dashboardQueues: [],
    now: () => now,
    ...over,
  };
}

/** A request body as `app.inject()` takes it (usually a plain object, sent as JSON). */
export type Payload = InjectOptions['payload'];

/** One request against the test's app: method, URL and an optional body. */
export type Send = (
  method: NonNullable<InjectOptions['method']>,
  url: string,
  payload?: Payload,
) => Promise<LightMyRequestResponse>;

/**
 * One app per test, built from `testDeps` and closed after each test even when an assertion
 * fails, so route tests do not each repeat the `let app` / `afterEach` / `inject` set-up.
 * Call it at the top of a test file (it registers the `afterEach`), then `build()` in each test.
 */
export function useTestApp() {
  let app: ApiApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const as =
    (headers: Record<string, string>): Send =>
    (method, url, payload) => {
      if (!app) throw new Error('useTestApp: build() the app before sending a request');
      return app.inject({ method, url, headers, payload });
    };
  return {
    /** Builds this test's app from `testDeps(over)` (closing one built before in the test). */
    async build(over: Partial<ApiDeps> = {}): Promise<ApiApp> {
      await app?.close();
      app = await buildApp(testDeps(over));
      return app;
    },
    /** Sends with the given headers (Basic auth, a wrong token, ...). */
    as,
    /** Sends with the admin bearer token. */
    admin: as(bearer),
    /** Sends without credentials. */
    anonymous: as({}),
  };
}
