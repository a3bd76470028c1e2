import { describe, expect, it } from 'vitest';
import { createAdaptiveLimiter } from './adaptive-limiter.js';

/** A task that finishes when the test says so. */
function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe(createAdaptiveLimiter.name, () => {
  it('never runs more tasks than the current limit, the rest in FIFO order', async () => {
    const limiter = createAdaptiveLimiter({ max: 4, windowMs: 1e9 });
    const tasks = Array.from({ length: 6 }, () => deferred());
    const started: number[] = [];
    const runs = tasks.map((t, i) =>
      limiter.run(async () => {
        started.push(i);
        await t.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2, 3]);
    tasks[1]?.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    for (const t of tasks) t.resolve();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('raises the limit while saturated reads answer as fast, and halves it on failures', async () => {
    let clock = 0;
    const changes: number[] = [];
    const limiter = createAdaptiveLimiter({
      max: 64,
      windowMs: 100,
      minReads: 4,
      now: () => clock,
      onChange: (limit) => changes.push(limit),
    });
    expect(limiter.limit()).toBe(16);
    // Waves of 40 reads, 10 ms each: more than the limit, so reads wait for a slot.
    const wave = (fail: boolean) =>
      Promise.allSettled(
        Array.from({ length: 40 }, () =>
          limiter.run(async () => {
            await Promise.resolve();
            clock += 10;
            if (fail) throw new Error('timeout');
          }),
        ),
      );
    await wave(false);
    await wave(false);
    expect(limiter.limit()).toBeGreaterThan(16);
    const raised = limiter.limit();
    await wave(true);
    expect(limiter.limit()).toBeLessThanOrEqual(raised / 2);
    expect(changes.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps ignored outcomes out of the window and counts classified failures', async () => {
    let clock = 0;
    const limiter = createAdaptiveLimiter({ max: 64, windowMs: 0, minReads: 1, now: () => clock });
    await limiter.run(
      async () => {
        clock += 3000; // a slow not-found: policy, not load
        return 404;
      },
      () => 'ignore',
    );
    expect(limiter.limit()).toBe(16);
    await limiter.run(
      async () => 503,
      (status) => (status >= 500 ? 'failed' : 'ok'),
    );
    expect(limiter.limit()).toBe(8);
  });
});
