/**
 * A micro-batcher: many concurrent callers each `add` one item and await its own result; items
 * are sent together, in arrival order, when a batch is full (count or bytes), when the oldest
 * waiting item has waited `flushMs`, when every caller that can exist at once (`maxCallers`, the
 * worker's job slots) is already held so nothing more can arrive, when every caller that
 * exists now (`callers`: the worker's active jobs once its queue has nothing waiting) holds
 * one, or on `flush()`/`close()`.
 * At most `maxInFlight` batches
 * are being sent at once, and at most `maxPending` items are held (waiting or being sent): the
 * memory it uses is bounded, and an `add` beyond the bound is refused rather than queued.
 * Pure apart from the injected scheduler, so tests drive time by hand.
 */
import { SyncError } from '@sync/runtime/errors';

export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type FlushReason = 'full' | 'all-callers' | 'idle' | 'timer' | 'manual' | 'close';

export interface MicroBatcherOptions<I, R> {
  maxItems: number;
  maxBytes: number;
  flushMs: number;
  maxInFlight: number;
  maxPending: number;
  /**
   * How many callers can hold an item at once (a worker's concurrency). When that many items
   * are held, no caller is left to add one before a batch returns: waiting for the timer would
   * only add latency, so what waits is sent at once. Unset: no such bound is known.
   */
  maxCallers?: number;
  /**
   * How many callers can hold an item now, when fewer than `maxCallers` (the worker's active
   * jobs while its queue has nothing waiting). Once each holds one, nothing more is coming
   * soon: waiting for the timer would only add latency, so what waits is sent at once (reason
   * `idle`). Under a backlog it is `maxCallers` and batches fill as usual.
   */
  callers?: () => number;
  /** Sends one batch; must resolve with one result per item, in order. */
  send: (items: I[], reason: FlushReason) => Promise<R[]>;
  scheduler?: Scheduler;
}

export interface MicroBatcher<I, R> {
  /** Resolves with this item's result, or rejects when its whole batch failed. */
  add(item: I, bytes: number): Promise<R>;
  /** Sends what is waiting now (as far as `maxInFlight` allows). */
  flush(): void;
  /** Checks again whether what waits is to be sent (after `callers` changed). */
  recheck(): void;
  /** Items held: waiting plus being sent. */
  pending(): number;
  /** Sends everything still waiting, waits for every batch, then refuses new items. */
  close(): Promise<void>;
}

export class BatcherError extends SyncError {
  constructor(
    code: 'SYNC_BATCHER_FULL' | 'SYNC_BATCHER_CLOSED' | 'SYNC_BATCH_MISMATCH',
    message: string,
  ) {
    super(code, message, { retryable: true });
  }
}

interface Entry<I, R> {
  item: I;
  bytes: number;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export function createMicroBatcher<I, R>(options: MicroBatcherOptions<I, R>): MicroBatcher<I, R> {
  const {
    maxItems,
    maxBytes,
    flushMs,
    maxInFlight,
    maxPending,
    maxCallers = Number.POSITIVE_INFINITY,
    callers,
    send,
    scheduler = realScheduler,
  } = options;
  const waiting: Entry<I, R>[] = [];
  let waitingBytes = 0;
  let sending = 0;
  let inFlight = 0;
  const batches = new Set<Promise<void>>();
  let timer: unknown;
  /** The timer fired (or a flush was asked for) while no batch could be sent. */
  let due: FlushReason | undefined;
  let closed = false;

  const isFull = () => waiting.length >= maxItems || waitingBytes >= maxBytes;

  function take(): Entry<I, R>[] {
    const batch: Entry<I, R>[] = [];
    let bytes = 0;
    // Always at least one item, so a single item above maxBytes still goes (alone).
    while (waiting.length > 0 && batch.length < maxItems) {
      const next = waiting[0] as Entry<I, R>;
      if (batch.length > 0 && bytes + next.bytes > maxBytes) break;
      waiting.shift();
      bytes += next.bytes;
      batch.push(next);
    }
    waitingBytes -= bytes;
    return batch;
  }

  async function run(batch: Entry<I, R>[], reason: FlushReason): Promise<void> {
    try {
      const results = await send(
        batch.map((e) => e.item),
        reason,
      );
      if (results.length !== batch.length) {
        const err = new BatcherError(
          'SYNC_BATCH_MISMATCH',
          `batch of ${batch.length} got ${results.length} results`,
        );
        for (const e of batch) e.reject(err);
        return;
      }
      batch.forEach((e, i) => e.resolve(results[i] as R));
    } catch (err) {
      for (const e of batch) e.reject(err);
    }
  }

  function clearTimer(): void {
    if (timer !== undefined) scheduler.clearTimeout(timer);
    timer = undefined;
  }

  function pump(): void {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const reason: FlushReason | undefined = closed
        ? 'close'
        : isFull()
          ? 'full'
          : waiting.length + sending >= maxCallers
            ? 'all-callers'
            : callers && waiting.length + sending >= callers()
              ? 'idle'
              : due;
      if (!reason) break;
      const batch = take();
      if (waiting.length === 0) {
        due = undefined;
        clearTimer();
      }
      inFlight += 1;
      sending += batch.length;
      const done = run(batch, reason).finally(() => {
        inFlight -= 1;
        sending -= batch.length;
        batches.delete(done);
        pump();
      });
      batches.add(done);
    }
    if (waiting.length > 0 && timer === undefined && due === undefined && !closed) {
      timer = scheduler.setTimeout(() => {
        timer = undefined;
        due = 'timer';
        pump();
      }, flushMs);
    }
  }

  return {
    add(item, bytes) {
      if (closed)
        return Promise.reject(new BatcherError('SYNC_BATCHER_CLOSED', 'the batcher is closed'));
      if (waiting.length + sending >= maxPending) {
        return Promise.reject(
          new BatcherError('SYNC_BATCHER_FULL', `the batcher already holds ${maxPending} items`),
        );
      }
      return new Promise<R>((resolve, reject) => {
        waiting.push({ item, bytes: Math.max(0, bytes), resolve, reject });
        waitingBytes += Math.max(0, bytes);
        pump();
      });
    },
    recheck() {
      pump();
    },
    flush() {
      if (waiting.length === 0) return;
      due = 'manual';
      pump();
    },
    pending: () => waiting.length + sending,
    async close() {
      closed = true;
      clearTimer();
      pump();
      while (batches.size > 0) await Promise.all([...batches]);
    },
  };
}
