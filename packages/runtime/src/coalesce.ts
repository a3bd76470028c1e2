/**
 * One Redis round trip for many concurrent callers. The jobs of one `_bulk` answer settle in
 * the same turn of the event loop, and a worker's slots read and write the same keys: each
 * caller used to send its own command (and, for a MULTI or a pipeline, build its own ioredis
 * Pipeline, which copies every script BullMQ defined on the connection). Calls made in one
 * turn are handed to `flush` together once the turn is over (`setImmediate`), at most
 * `maxItems` at a time; each caller's promise settles with its own result once the flush is
 * done, so a caller still returns only after its write is in Redis, and a failed flush fails
 * every call in it. Nothing is held beyond the calls in flight.
 */
export type Flush<T, R> = (items: readonly T[]) => Promise<readonly R[]>;

interface Call<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export function coalesce<T, R>(flush: Flush<T, R>, maxItems = 500): (item: T) => Promise<R> {
  let pending: Call<T, R>[] = [];
  let scheduled = false;
  const run = (calls: Call<T, R>[]) => {
    Promise.resolve(calls.map((c) => c.item))
      .then(flush)
      .then(
        (results) => calls.forEach((c, i) => c.resolve(results[i] as R)),
        (err: unknown) => calls.forEach((c) => c.reject(err)),
      );
  };
  const take = () => {
    const calls = pending;
    pending = [];
    return calls;
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (pending.length >= maxItems) return run(take());
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        if (pending.length > 0) run(take());
      });
    });
}
