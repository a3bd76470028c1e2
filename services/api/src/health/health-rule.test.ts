import { describe, expect, it } from 'vitest';
import {
  evaluateHealth,
  formatPercent,
  type HealthInputs,
  type HealthThresholds,
} from './health-rule.js';

const now = 10_000_000;
const thresholds: HealthThresholds = {
  maxScanAgeMs: 120_000,
  maxStallMs: 600_000,
  maxErrorPercent: 10,
  minSamples: 20,
};
const healthy: HealthInputs = {
  now,
  syncEnabled: true,
  lastScanStartedAt: now - 70_000,
  lastScanEndedAt: now - 60_000,
  backlog: 0,
  lagMs: null,
  finishedInStallWindow: 0,
  recent: { windowMinutes: 15, ok: 100, errors: 2 },
  dependencies: { redis: { ok: true }, elasticsearch: { ok: true }, gun: { ok: true } },
};
const evaluate = (over: Partial<HealthInputs>) =>
  evaluateHealth({ ...healthy, ...over }, thresholds);

describe(evaluateHealth.name, () => {
  it('is healthy when the scan is fresh, nothing waits and few records failed', () => {
    const verdict = evaluate({});
    expect(verdict.healthy).toBe(true);
    expect(verdict.checks.scan).toEqual({ ok: true, detail: 'last full scan ended 60s ago' });
    expect(verdict.checks.progress).toEqual({ ok: true, detail: 'no backlog' });
  });

  it.each([
    ['ended within the limit', { lastScanEndedAt: now - 120_000 }, true],
    ['ended too long ago', { lastScanEndedAt: now - 120_001 }, false],
    [
      'never ended, first one running',
      { lastScanEndedAt: undefined, lastScanStartedAt: now - 5_000 },
      true,
    ],
    [
      'never ended, started too long ago',
      { lastScanEndedAt: undefined, lastScanStartedAt: now - 200_000 },
      false,
    ],
    ['never started', { lastScanEndedAt: undefined, lastScanStartedAt: undefined }, false],
    [
      'switched off',
      { syncEnabled: false, lastScanEndedAt: undefined, lastScanStartedAt: undefined },
      true,
    ],
  ] as const)('scan check: %s', (_name, over, ok) => {
    const verdict = evaluate(over);
    expect(verdict.checks.scan.ok).toBe(ok);
    expect(verdict.healthy).toBe(ok);
  });

  it.each([
    ['a young backlog', { backlog: 50, lagMs: 30_000, finishedInStallWindow: 0 }, true],
    [
      'an old backlog that still moves',
      { backlog: 50, lagMs: 3_600_000, finishedInStallWindow: 7 },
      true,
    ],
    [
      'an old backlog that does not move',
      { backlog: 50, lagMs: 600_001, finishedInStallWindow: 0 },
      false,
    ],
    [
      'only active jobs and nothing finishing',
      { backlog: 3, lagMs: null, finishedInStallWindow: 0 },
      false,
    ],
  ] as const)('progress check: %s', (_name, over, ok) => {
    expect(evaluate(over).checks.progress.ok).toBe(ok);
  });

  it('names the stall in its detail', () => {
    expect(
      evaluate({ backlog: 50, lagMs: 900_000, finishedInStallWindow: 0 }).checks.progress.detail,
    ).toBe('50 jobs pending, oldest waiting 900s and no record finished in the last 10 min');
  });

  it.each([
    ['at the limit', { ok: 90, errors: 10 }, true],
    ['above the limit', { ok: 89, errors: 11 }, false],
    ['all failing but too few to judge', { ok: 0, errors: 19 }, true],
    ['all failing, enough samples', { ok: 0, errors: 20 }, false],
    ['nothing finished', { ok: 0, errors: 0 }, true],
  ] as const)('error check over the recent window: %s', (_name, counts, ok) => {
    expect(evaluate({ recent: { windowMinutes: 15, ...counts } }).checks.errors.ok).toBe(ok);
  });

  it('reports the rate it judged', () => {
    expect(
      evaluate({ recent: { windowMinutes: 15, ok: 80, errors: 20 } }).checks.errors.detail,
    ).toBe('20 of 100 records failed in the last 15 min (20%), more than 10%');
  });
});

describe(formatPercent.name, () => {
  it.each([
    [100, '100%'],
    [98.46, '98.5%'],
    [0, '0%'],
    [33.333, '33.3%'],
    [99.96, '100%'],
  ])('%d → %s', (input, shown) => {
    expect(formatPercent(input)).toBe(shown);
  });

  it('is unhealthy when a dependency does not answer, naming it with its reason', () => {
    const verdict = evaluate({
      dependencies: {
        redis: { ok: true },
        elasticsearch: { ok: false, error: 'connect ECONNREFUSED 127.0.0.1:9200' },
        gun: { ok: false, error: 'no peer answered' },
      },
    });
    expect(verdict.healthy).toBe(false);
    expect(verdict.checks.dependencies).toEqual({
      ok: false,
      detail: 'elasticsearch: connect ECONNREFUSED 127.0.0.1:9200; gun: no peer answered',
    });
    expect(evaluate({}).checks.dependencies).toEqual({
      ok: true,
      detail: 'redis, elasticsearch, gun answer',
    });
  });
});
