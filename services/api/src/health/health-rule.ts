/**
 * The health rule of GET /api/health/gun-sync (docs/api.md): healthy when all four hold.
 *
 * 1. scan: the last full registry scan ended within `maxScanAgeMs` (default two sync intervals,
 *    so one missed scan is tolerated); while no scan has ever ended, a first scan that started
 *    within that time counts. Not applicable when scans are switched off (GUN_SYNC_ENABLED=false).
 * 2. progress: whenever records wait in sync.transform or sync.index, either the oldest waiting
 *    job is younger than `maxStallMs` or some record finished within the last `maxStallMs`.
 * 3. errors: of the records finished in the recent window (not a lifetime counter), at most
 *    `maxErrorPercent` failed; fewer than `minSamples` finished records are too few to judge.
 * 4. dependencies: every dependency check answered (Redis, Elasticsearch, at least one GUN
 *    peer); the detail names each one that did not, with its reason. /readyz does not look at
 *    them, so this route stays reachable to report the outage.
 *
 * Pure: every input is passed in, so the rule is tested without Redis or a clock.
 */

export interface HealthThresholds {
  maxScanAgeMs: number;
  maxStallMs: number;
  maxErrorPercent: number;
  minSamples: number;
}

export interface HealthInputs {
  now: number;
  syncEnabled: boolean;
  lastScanStartedAt?: number | undefined;
  lastScanEndedAt?: number | undefined;
  /** Jobs waiting, prioritized or active in sync.transform and sync.index together. */
  backlog: number;
  /** Age of the oldest waiting job of those queues; null when none waits. */
  lagMs: number | null;
  /** Records that finished (synced, deleted or failed) within the last `maxStallMs`. */
  finishedInStallWindow: number;
  /** Records finished in the error window, and how many of them failed. */
  recent: { windowMinutes: number; ok: number; errors: number };
  /** The dependency checks' results, by dependency name. */
  dependencies: Record<string, { ok: boolean; error?: string | undefined }>;
}

export interface RuleCheck {
  ok: boolean;
  detail: string;
}

export interface HealthVerdict {
  healthy: boolean;
  checks: { scan: RuleCheck; progress: RuleCheck; errors: RuleCheck; dependencies: RuleCheck };
}

const seconds = (ms: number): string => `${Math.round(ms / 1000)}s`;
const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

function scanCheck(input: HealthInputs, t: HealthThresholds): RuleCheck {
  if (!input.syncEnabled)
    return { ok: true, detail: 'scans are switched off (GUN_SYNC_ENABLED=false)' };
  const { now, lastScanEndedAt, lastScanStartedAt } = input;
  if (lastScanEndedAt !== undefined) {
    const age = now - lastScanEndedAt;
    return age <= t.maxScanAgeMs
      ? { ok: true, detail: `last full scan ended ${seconds(age)} ago` }
      : {
          ok: false,
          detail: `last full scan ended ${seconds(age)} ago, more than ${seconds(t.maxScanAgeMs)}`,
        };
  }
  if (lastScanStartedAt !== undefined && now - lastScanStartedAt <= t.maxScanAgeMs) {
    return { ok: true, detail: `first full scan running for ${seconds(now - lastScanStartedAt)}` };
  }
  return { ok: false, detail: 'no full scan has ended yet' };
}

function progressCheck(input: HealthInputs, t: HealthThresholds): RuleCheck {
  const { backlog, lagMs, finishedInStallWindow } = input;
  if (backlog === 0) return { ok: true, detail: 'no backlog' };
  if (lagMs !== null && lagMs <= t.maxStallMs) {
    return { ok: true, detail: `${backlog} jobs pending, oldest waiting ${seconds(lagMs)}` };
  }
  if (finishedInStallWindow > 0) {
    return {
      ok: true,
      detail: `${backlog} jobs pending, ${finishedInStallWindow} records finished in the last ${minutes(t.maxStallMs)}`,
    };
  }
  const oldest = lagMs === null ? '' : `, oldest waiting ${seconds(lagMs)}`;
  return {
    ok: false,
    detail: `${backlog} jobs pending${oldest} and no record finished in the last ${minutes(t.maxStallMs)}`,
  };
}

function errorCheck(input: HealthInputs, t: HealthThresholds): RuleCheck {
  const { ok, errors, windowMinutes } = input.recent;
  const finished = ok + errors;
  if (finished < t.minSamples) {
    return {
      ok: true,
      detail: `${errors} of ${finished} records failed in the last ${windowMinutes} min (fewer than ${t.minSamples}: not judged)`,
    };
  }
  const percent = (errors / finished) * 100;
  const shown = `${errors} of ${finished} records failed in the last ${windowMinutes} min (${formatPercent(percent)})`;
  return percent <= t.maxErrorPercent
    ? { ok: true, detail: shown }
    : { ok: false, detail: `${shown}, more than ${t.maxErrorPercent}%` };
}

function dependencyCheck(input: HealthInputs): RuleCheck {
  const entries = Object.entries(input.dependencies);
  const failing = entries.filter(([, r]) => !r.ok);
  if (failing.length === 0) {
    return {
      ok: true,
      detail:
        entries.length === 0
          ? 'no dependency checks'
          : `${entries.map(([n]) => n).join(', ')} answer`,
    };
  }
  return {
    ok: false,
    detail: failing.map(([name, r]) => `${name}: ${r.error ?? 'unavailable'}`).join('; '),
  };
}

/** "100%", "98.5%": one decimal only when it is not a whole number. */
export function formatPercent(percent: number): string {
  const rounded = Math.round(percent * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

export function evaluateHealth(input: HealthInputs, thresholds: HealthThresholds): HealthVerdict {
  const checks = {
    scan: scanCheck(input, thresholds),
    progress: progressCheck(input, thresholds),
    errors: errorCheck(input, thresholds),
    dependencies: dependencyCheck(input),
  };
  const healthy = Object.values(checks).every((c) => c.ok);
  return { healthy, checks };
}
