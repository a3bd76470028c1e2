/**
 * Slows the whole sync.index queue down while Elasticsearch is unavailable or overloaded. Each
 * batch that fails that way pauses the queue (BullMQ's rate limiter key, shared by every worker
 * replica) for an exponentially growing, jittered time: base, 2×base, 4×base … up to `maxMs`,
 * each between 50 % and 100 % of its step. A batch that gets through resets the step.
 */
export interface Throttle {
  /** Pauses the queue for the next step; returns the pause in milliseconds. */
  engage(): Promise<number>;
  /** Elasticsearch answered normally again. */
  reset(): void;
  /** Consecutive failed batches. */
  failures(): number;
}

export interface ThrottleOptions {
  baseMs: number;
  maxMs: number;
  /** Pauses the queue for `ms` (Queue#rateLimit). */
  pause: (ms: number) => Promise<void>;
  random?: () => number;
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
}: ThrottleOptions): Throttle {
  let failures = 0;
  return {
    async engage() {
      failures += 1;
      const step = throttleStep(failures, baseMs, Math.max(baseMs, maxMs));
      const ms = Math.max(1, Math.round(step / 2 + (random() * step) / 2));
      await pause(ms);
      return ms;
    },
    reset() {
      failures = 0;
    },
    failures: () => failures,
  };
}
