/**
 * A limiter whose limit adapts at run time (`concurrency-control.ts`): every window (at least
 * `windowMs` and `minReads` answers) the reads' answer times, failures and whether reads had to
 * wait for a slot decide the next limit, between `min` and `max`. Tasks beyond the limit wait
 * in FIFO order; lowering the limit lets reads in flight finish and starts no new ones until
 * fewer than the limit are in flight. Used as a plain `Limiter` through `run`.
 */
import {
  initialConcurrency,
  nextConcurrency,
  type ConcurrencySettings,
  type ConcurrencyState,
} from './concurrency-control.js';

export interface AdaptiveLimiterOptions {
  /** The configured maximum (GUN_HTTP_CONCURRENCY). */
  max: number;
  min?: number;
  tolerance?: number;
  windowMs?: number;
  minReads?: number;
  now?: () => number;
  /** Told of every change of the limit. */
  onChange?: (limit: number, previous: number) => void;
}

/** What one task's outcome says about the peer: `ignore` keeps it out of the window. */
export type ReadOutcome = 'ok' | 'failed' | 'ignore';

export interface AdaptiveLimiter {
  /** Runs `task` when a slot is free; a thrown error counts as failed, a value as `classify` says (ok by default). */
  run<T>(task: () => Promise<T>, classify?: (value: T) => ReadOutcome): Promise<T>;
  limit(): number;
}

export function createAdaptiveLimiter(options: AdaptiveLimiterOptions): AdaptiveLimiter {
  const settings: ConcurrencySettings = {
    min: Math.min(options.min ?? 4, options.max),
    max: options.max,
    tolerance: options.tolerance ?? 2,
  };
  if (!Number.isInteger(settings.max) || settings.max < 1)
    throw new RangeError(`max must be a positive integer, got ${settings.max}`);
  const now = options.now ?? (() => performance.now());
  const windowMs = options.windowMs ?? 250;
  const minReads = options.minReads ?? 16;
  let state: ConcurrencyState = initialConcurrency(settings);
  let active = 0;
  const waiting: (() => void)[] = [];
  let windowStart = now();
  let completed = 0;
  let failed = 0;
  let totalMs = 0;
  let saturated = false;

  const startWaiting = () => {
    while (active < state.limit && waiting.length > 0) {
      active += 1;
      waiting.shift()?.();
    }
  };
  const closeWindow = (at: number) => {
    if (at - windowStart < windowMs || completed + failed < minReads) return;
    const previous = state.limit;
    state = nextConcurrency(
      state,
      { completed, failed, meanMs: completed > 0 ? totalMs / completed : 0, saturated },
      settings,
    );
    windowStart = at;
    completed = 0;
    failed = 0;
    totalMs = 0;
    saturated = false;
    if (state.limit !== previous) options.onChange?.(state.limit, previous);
  };

  const run = async <T>(
    task: () => Promise<T>,
    classify?: (value: T) => ReadOutcome,
  ): Promise<T> => {
    if (active >= state.limit) {
      saturated = true;
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else active += 1;
    const started = now();
    try {
      const value = await task();
      const outcome = classify?.(value) ?? 'ok';
      if (outcome === 'failed') failed += 1;
      else if (outcome === 'ok') {
        completed += 1;
        totalMs += now() - started;
      }
      return value;
    } catch (err) {
      failed += 1;
      throw err;
    } finally {
      active -= 1;
      closeWindow(now());
      startWaiting();
    }
  };
  return { run, limit: () => state.limit };
}
