/**
 * Pipeline statistics shared by every replica, in Redis: lifetime counters, per-minute buckets
 * for a recent error rate (kept 2 h), the last scan's start and end, recent cycle durations and
 * registry entry counts by record type, and the publish → indexed times of the last indexed
 * records (a list trimmed to `keptFreshness`).
 */
import type { Redis } from 'ioredis';
import { coalesce } from '@sync/runtime/coalesce';
import { stateKeys } from './keys.js';

export type Outcome = 'discovered' | 'enqueued' | 'synced' | 'deleted' | 'skipped' | 'error';

export interface CycleRecord {
  startedAt: number;
  endedAt: number;
  discovered: number;
  enqueued: number;
  errors: number;
}

/** The last reconciliation (registry vs index): counts by state, or why it could not run. */
export interface ReconcileSummary {
  /** When it ended (ms). */
  at: number;
  durationMs: number;
  /** Counts by state (missing, stale, …); absent when the run failed. */
  counts?: Record<string, number>;
  /** One line, when the run failed (the counts of the run before are dropped, never kept). */
  error?: string;
}

/** Publish → indexed times of the last `samples` indexed records (ms); null while none. */
export interface FreshnessSummary {
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** Nearest-rank percentiles of the kept times; pure. */
export function summarizeFreshness(values: readonly number[]): FreshnessSummary {
  const sorted = values.filter((v) => Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? null;
  return {
    samples: sorted.length,
    p50Ms: rank(0.5),
    p95Ms: rank(0.95),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] ?? null) : null,
  };
}

export interface StatsSnapshot {
  counters: Record<string, number>;
  errorsByReason: Record<string, number>;
  skippedByReason: Record<string, number>;
  lastScanStartedAt?: number;
  lastScanEndedAt?: number;
  cycles: CycleRecord[];
  registryCounts: Record<string, number>;
  recent: { windowMinutes: number; ok: number; errors: number };
  reconcile?: ReconcileSummary;
  freshness: FreshnessSummary;
}

export interface Stats {
  count(outcome: Outcome, n?: number, reason?: string): Promise<void>;
  scanStarted(at: number): Promise<void>;
  scanEnded(cycle: CycleRecord): Promise<void>;
  setRegistryCounts(counts: Record<string, number>): Promise<void>;
  /** Keeps one record's publish → indexed time (ms) among the last `keptFreshness`. */
  recordFreshness(ms: number): Promise<void>;
  /** Replaces the last reconciliation's summary. */
  setReconciliation(summary: ReconcileSummary): Promise<void>;
  snapshot(now: number, windowMinutes?: number): Promise<StatsSnapshot>;
}

const bucketTtlSeconds = 2 * 3600;
const keptCycles = 50;
export const keptFreshness = 500;

/** A counter or freshness write waiting for the next shared MULTI. */
type StatsWrite =
  | { kind: 'count'; outcome: Outcome; n: number; reason: string | undefined; minute: number }
  | { kind: 'freshness'; ms: number };

export function createStats(redis: Redis, prefix: string): Stats {
  const keys = stateKeys(prefix);
  // Every job counts its outcome and most keep a freshness time: the writes of one turn of
  // the event loop (a whole bulk answer's jobs) go in one MULTI, counts summed.
  const write = coalesce<StatsWrite, void>(async (writes) => {
    const fields = new Map<string, number>();
    const minutes = new Map<number, Map<string, number>>();
    const add = (map: Map<string, number>, key: string, n: number) =>
      map.set(key, (map.get(key) ?? 0) + n);
    const times: number[] = [];
    for (const w of writes) {
      if (w.kind === 'freshness') {
        times.push(w.ms);
        continue;
      }
      add(fields, w.outcome, w.n);
      if (w.reason && (w.outcome === 'error' || w.outcome === 'skipped'))
        add(fields, `${w.outcome}:${w.reason}`, w.n);
      if (w.outcome === 'synced' || w.outcome === 'deleted' || w.outcome === 'error') {
        const minute = minutes.get(w.minute) ?? new Map<string, number>();
        minutes.set(w.minute, add(minute, w.outcome === 'error' ? 'errors' : 'ok', w.n));
      }
    }
    const tx = redis.multi();
    for (const [field, n] of fields) tx.hincrby(keys.stats, field, n);
    for (const [minute, counts] of minutes) {
      const minuteKey = keys.statsMinute(minute);
      for (const [field, n] of counts) tx.hincrby(minuteKey, field, n);
      tx.expire(minuteKey, bucketTtlSeconds);
    }
    if (times.length > 0)
      tx.lpush(keys.freshness, ...times).ltrim(keys.freshness, 0, keptFreshness - 1);
    await tx.exec();
    return [];
  });
  return {
    async count(outcome, n = 1, reason) {
      if (n <= 0) return;
      await write({ kind: 'count', outcome, n, reason, minute: Math.floor(Date.now() / 60_000) });
    },
    async scanStarted(at) {
      await redis.hset(keys.stats, 'lastScanStartedAt', at);
    },
    async scanEnded(cycle) {
      await redis
        .multi()
        .hset(keys.stats, 'lastScanEndedAt', cycle.endedAt)
        .hincrby(keys.stats, 'cycles', 1)
        .lpush(keys.cycles, JSON.stringify(cycle))
        .ltrim(keys.cycles, 0, keptCycles - 1)
        .exec();
    },
    async setRegistryCounts(counts) {
      const tx = redis.multi().del(keys.registryCounts);
      const entries = Object.entries(counts);
      if (entries.length > 0) tx.hset(keys.registryCounts, Object.fromEntries(entries));
      await tx.exec();
    },
    async recordFreshness(ms) {
      await write({ kind: 'freshness', ms: Math.max(0, Math.round(ms)) });
    },
    async setReconciliation(summary) {
      await redis.set(keys.reconcile, JSON.stringify(summary));
    },
    async snapshot(now, windowMinutes = 15) {
      const [raw, cyclesRaw, registryRaw, reconcileRaw, freshnessRaw] = await Promise.all([
        redis.hgetall(keys.stats),
        redis.lrange(keys.cycles, 0, -1),
        redis.hgetall(keys.registryCounts),
        redis.get(keys.reconcile),
        redis.lrange(keys.freshness, 0, -1),
      ]);
      const counters: Record<string, number> = {};
      const errorsByReason: Record<string, number> = {};
      const skippedByReason: Record<string, number> = {};
      for (const [field, value] of Object.entries(raw)) {
        if (field.startsWith('error:'))
          errorsByReason[field.slice('error:'.length)] = Number(value);
        else if (field.startsWith('skipped:'))
          skippedByReason[field.slice('skipped:'.length)] = Number(value);
        else counters[field] = Number(value);
      }
      const minute = Math.floor(now / 60_000);
      const tx = redis.multi();
      for (let m = minute - windowMinutes + 1; m <= minute; m++)
        tx.hmget(keys.statsMinute(m), 'ok', 'errors');
      const buckets = ((await tx.exec()) ?? []).map(
        ([, v]) => (v as (string | null)[]) ?? [null, null],
      );
      const recent = buckets.reduce(
        (acc, [ok, errors]) => ({
          ok: acc.ok + Number(ok ?? 0),
          errors: acc.errors + Number(errors ?? 0),
        }),
        { ok: 0, errors: 0 },
      );
      const { lastScanStartedAt, lastScanEndedAt, ...rest } = counters;
      return {
        counters: rest,
        errorsByReason,
        skippedByReason,
        ...(lastScanStartedAt !== undefined ? { lastScanStartedAt } : {}),
        ...(lastScanEndedAt !== undefined ? { lastScanEndedAt } : {}),
        cycles: cyclesRaw.map((c) => JSON.parse(c) as CycleRecord),
        registryCounts: Object.fromEntries(
          Object.entries(registryRaw).map(([k, v]) => [k, Number(v)]),
        ),
        recent: { windowMinutes, ...recent },
        ...(reconcileRaw ? { reconcile: JSON.parse(reconcileRaw) as ReconcileSummary } : {}),
        freshness: summarizeFreshness(freshnessRaw.map(Number)),
      };
    },
  };
}
