/**
 * Slows the whole sync.index queue down while Elasticsearch is unavailable or overloaded. Each
 * batch that fails that way pauses the queue (BullMQ's rate limiter key, shared by every worker
 * replica) for an exponentially growing, jittered time: base, 2×base, 4×base … up to `maxMs`,
 * each between 50 % and 100 % of its step. A batch that gets through resets the step. Batches
 * that fail while a pause already holds (they were sent together, before it) belong to the same
 * failure: they neither pause again nor grow the step.
 *
 * When Elasticsearch could not be reached at all (no connection, 502–504), waiting out a long
 * pause after it is back only adds delay: while such a pause lasts, `probe` asks Elasticsearch
 * every `probeEveryMs` whether it answers again, and `lift` ends the pause for every replica as
 * soon as it does. An overloaded Elasticsearch (429) is not probed: it answers health checks
 * while refusing writes, and deserves the whole pause.
 */
export type ThrottleCause = 'unavailable' | 'overloaded';

export interface Throttle {
  /** Pauses the queue for the next step (or keeps the pause that holds); returns what is left of it in milliseconds. */
  engage(cause?: ThrottleCause): Promise<number>;
  /** Elasticsearch answered normally again. */
  reset(): void;
  /** Consecutive pauses (failed batches, counting those failing together once). */
  failures(): number;
  /** Stops a probe in progress. */
  close(): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface ThrottleOptions {
  baseMs: number;
  maxMs: number;
  /** Pauses the queue for `ms` (Queue#rateLimit). */
  pause: (ms: number) => Promise<void>;
  random?: () => number;
  /** Does Elasticsearch answer again? Asked during a pause caused by `unavailable`. */
  probe?: () => Promise<boolean>;
  /** Ends the pause early (Queue#removeRateLimitKey); `onLift` is told afterwards. */
  lift?: () => Promise<void>;
  onLift?: (pausedForMs: number) => void;
  probeEveryMs?: number;
  timers?: Timers;
}

/** The pause after `failures` consecutive failed batches (1 = first), before jitter. */
export function throttleStep(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
}

export function createThrottle({
  baseMs,
  maxMs,
  pause,
  random = Math.random,
  probe,
  lift,
  onLift,
  probeEveryMs = 1_000,
  timers = realTimers,
}: ThrottleOptions): Throttle {
  let failures = 0;
  let closed = false;
  /** The probe's timer while one is scheduled, and until when the current pause lasts. */
  let probeTimer: unknown;
  let pausedAt = 0;
  let pausedUntil = 0;

  const stopProbe = () => {
    if (probeTimer !== undefined) timers.clearTimeout(probeTimer);
    probeTimer = undefined;
  };
  const scheduleProbe = () => {
    if (!probe || !lift || closed || probeTimer !== undefined) return;
    const wait = Math.min(probeEveryMs, pausedUntil - timers.now());
    if (wait <= 0) return;
    probeTimer = timers.setTimeout(() => void tick(), wait);
  };
  const tick = async () => {
    probeTimer = undefined;
    if (closed || timers.now() >= pausedUntil || !probe || !lift) return;
    const up = await probe().catch(() => false);
    if (closed) return;
    if (!up) return scheduleProbe();
    const pausedFor = timers.now() - pausedAt;
    pausedUntil = 0;
    await lift().catch(() => undefined);
    onLift?.(pausedFor);
  };

  return {
    async engage(cause: ThrottleCause = 'overloaded') {
      const before = timers.now();
      if (before < pausedUntil) {
        if (cause === 'unavailable') scheduleProbe();
        return pausedUntil - before;
      }
      failures += 1;
      const step = throttleStep(failures, baseMs, Math.max(baseMs, maxMs));
      const ms = Math.max(1, Math.round(step / 2 + (random() * step) / 2));
      await pause(ms);
      const now = timers.now();
      if (pausedUntil <= now) pausedAt = now;
      pausedUntil = Math.max(pausedUntil, now + ms);
      if (cause === 'unavailable') scheduleProbe();
      return ms;
    },
    reset() {
      failures = 0;
    },
    failures: () => failures,
    close() {
      closed = true;
      stopProbe();
    },
  };
}
