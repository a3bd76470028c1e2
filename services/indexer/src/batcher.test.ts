import { describe, expect, it } from 'vitest';
import { BatcherError, createMicroBatcher, type FlushReason, type Scheduler } from './batcher.js';

/** A scheduler whose timers fire only when the test says so. */
function manualScheduler() {
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const scheduler: Scheduler = {
    setTimeout(fn, ms) {
      next += 1;
      timers.set(next, { fn, ms });
      return next;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
  return {
    scheduler,
    pending: () => [...timers.values()].map((t) => t.ms),
    fireAll() {
      const due = [...timers.entries()];
      timers.clear();
      for (const [, t] of due) t.fn();
    },
  };
}

/** A send function whose batches the test completes by hand. */
function manualSend() {
  const calls: {
    items: string[];
    reason: FlushReason;
    resolve: (r: string[]) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const send = (items: string[], reason: FlushReason) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, reason, resolve, reject });
    });
  return {
    calls,
    send,
    ok: (i: number) => calls[i]?.resolve(calls[i].items.map((x) => `ok:${x}`)),
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(
  overrides: Partial<{
    maxItems: number;
    maxBytes: number;
    maxInFlight: number;
    maxPending: number;
    maxCallers: number;
    callers: () => number;
  }> = {},
) {
  const clock = manualScheduler();
  const sender = manualSend();
  const batcher = createMicroBatcher<string, string>({
    maxItems: 3,
    maxBytes: 1_000,
    flushMs: 50,
    maxInFlight: 1,
    maxPending: 100,
    ...overrides,
    send: sender.send,
    scheduler: clock.scheduler,
  });
  return { clock, sender, batcher };
}

describe(createMicroBatcher.name, () => {
  it('sends a batch as soon as it holds maxItems items, and each caller gets its own result', async () => {
    const { batcher, sender } = setup();
    const results = ['a', 'b', 'c'].map((x) => batcher.add(x, 10));
    expect(sender.calls).toHaveLength(1);
    expect(sender.calls[0]).toMatchObject({ items: ['a', 'b', 'c'], reason: 'full' });
    sender.ok(0);
    expect(await Promise.all(results)).toEqual(['ok:a', 'ok:b', 'ok:c']);
  });

  it('waits flushMs for a partial batch, then sends it', async () => {
    const { batcher, sender, clock } = setup();
    const a = batcher.add('a', 10);
    const b = batcher.add('b', 10);
    expect(sender.calls).toHaveLength(0);
    expect(clock.pending()).toEqual([50]);
    clock.fireAll();
    expect(sender.calls[0]).toMatchObject({ items: ['a', 'b'], reason: 'timer' });
    sender.ok(0);
    expect(await Promise.all([a, b])).toEqual(['ok:a', 'ok:b']);
    expect(clock.pending()).toEqual([]);
  });

  it('sends at once when every caller that can exist is waiting, without waiting for the timer', async () => {
    const { batcher, sender, clock } = setup({ maxItems: 10, maxCallers: 3 });
    const first = [batcher.add('a', 1), batcher.add('b', 1)];
    expect(sender.calls).toHaveLength(0);
    expect(clock.pending()).toEqual([50]);
    first.push(batcher.add('c', 1));
    expect(sender.calls[0]).toMatchObject({ items: ['a', 'b', 'c'], reason: 'all-callers' });
    expect(clock.pending()).toEqual([]);
    sender.ok(0);
    expect(await Promise.all(first)).toEqual(['ok:a', 'ok:b', 'ok:c']);
  });

  it('sends at once when every caller that exists now holds an item (a drained queue), and waits again under a backlog', async () => {
    let callers = 2;
    const { batcher, sender, clock } = setup({
      maxItems: 10,
      maxCallers: 64,
      callers: () => callers,
    });
    const held = [batcher.add('a', 1)];
    expect(sender.calls).toHaveLength(0); // the second active job has not handed its item over
    held.push(batcher.add('b', 1));
    expect(sender.calls[0]).toMatchObject({ items: ['a', 'b'], reason: 'idle' });
    sender.ok(0);
    expect(await Promise.all(held)).toEqual(['ok:a', 'ok:b']);
    // One active job left that will not submit (it finished otherwise): a recheck sends.
    callers = 3;
    void batcher.add('c', 1);
    expect(sender.calls).toHaveLength(1);
    callers = 1;
    batcher.recheck();
    expect(sender.calls[1]).toMatchObject({ items: ['c'], reason: 'idle' });
    // A backlog: the timer and full batches as before.
    callers = Number.POSITIVE_INFINITY;
    void batcher.add('d', 1);
    expect(sender.calls).toHaveLength(2);
    expect(clock.pending()).toEqual([50]);
  });

  it('counts the items being sent as held callers', () => {
    const { batcher, sender } = setup({ maxItems: 2, maxInFlight: 2, maxCallers: 3 });
    void batcher.add('a', 1);
    void batcher.add('b', 1); // full: sent, its two callers still wait
    void batcher.add('c', 1); // the third and last caller
    expect(sender.calls.map((c) => [c.items, c.reason])).toEqual([
      [['a', 'b'], 'full'],
      [['c'], 'all-callers'],
    ]);
  });

  it('sends when the bytes reach maxBytes, and never puts more than maxBytes in one batch', async () => {
    const { batcher, sender } = setup({ maxItems: 10, maxBytes: 100 });
    void batcher.add('a', 40);
    void batcher.add('b', 40);
    expect(sender.calls).toHaveLength(0);
    void batcher.add('c', 40); // 120 bytes waiting: full
    expect(sender.calls[0]?.items).toEqual(['a', 'b']);
    sender.ok(0);
    await settle();
    expect(batcher.pending()).toBe(1);
  });

  it('sends an item larger than maxBytes alone', () => {
    const { batcher, sender } = setup({ maxItems: 10, maxBytes: 100 });
    void batcher.add('huge', 5_000);
    expect(sender.calls[0]).toMatchObject({ items: ['huge'], reason: 'full' });
  });

  it('keeps at most maxInFlight batches in flight and sends the rest when one returns', async () => {
    const { batcher, sender } = setup({ maxItems: 2, maxInFlight: 1 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((x) => batcher.add(x, 1));
    expect(sender.calls.map((c) => c.items)).toEqual([['a', 'b']]);
    sender.ok(0);
    await settle();
    expect(sender.calls.map((c) => c.items)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    sender.ok(1);
    await settle();
    // 'e' alone is not a full batch: it waits for its timer, not for a free slot.
    expect(sender.calls).toHaveLength(2);
    batcher.flush();
    expect(sender.calls[2]).toMatchObject({ items: ['e'], reason: 'manual' });
    sender.ok(2);
    expect(await Promise.all(all)).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d', 'ok:e']);
  });

  it('remembers a timer that fired while no slot was free', async () => {
    const { batcher, sender, clock } = setup({ maxItems: 2, maxInFlight: 1 });
    void batcher.add('a', 1);
    void batcher.add('b', 1); // full: in flight
    void batcher.add('c', 1);
    clock.fireAll(); // c is due, but the only slot is busy
    expect(sender.calls).toHaveLength(1);
    sender.ok(0);
    await settle();
    expect(sender.calls[1]).toMatchObject({ items: ['c'], reason: 'timer' });
  });

  it('rejects every item of a batch whose send failed, and only those', async () => {
    const { batcher, sender } = setup({ maxItems: 2, maxInFlight: 2 });
    const first = [batcher.add('a', 1), batcher.add('b', 1)];
    const second = [batcher.add('c', 1), batcher.add('d', 1)];
    sender.calls[0]?.reject(new Error('bulk failed'));
    sender.ok(1);
    await expect(first[0]).rejects.toThrow('bulk failed');
    await expect(first[1]).rejects.toThrow('bulk failed');
    expect(await Promise.all(second)).toEqual(['ok:c', 'ok:d']);
  });

  it('rejects a batch whose results do not match its items', async () => {
    const { batcher, sender } = setup({ maxItems: 2 });
    const items = [batcher.add('a', 1), batcher.add('b', 1)];
    sender.calls[0]?.resolve(['only one']);
    await expect(items[0]).rejects.toBeInstanceOf(BatcherError);
    await expect(items[1]).rejects.toMatchObject({ code: 'SYNC_BATCH_MISMATCH' });
  });

  it('refuses items beyond maxPending, counting the ones being sent', async () => {
    const { batcher, sender } = setup({ maxItems: 2, maxPending: 3 });
    void batcher.add('a', 1);
    void batcher.add('b', 1); // in flight
    void batcher.add('c', 1); // waiting
    expect(batcher.pending()).toBe(3);
    await expect(batcher.add('d', 1)).rejects.toMatchObject({
      code: 'SYNC_BATCHER_FULL',
      retryable: true,
    });
    sender.ok(0);
    await settle();
    expect(batcher.pending()).toBe(1);
    void batcher.add('d', 1);
    expect(batcher.pending()).toBe(2);
  });

  it('sends everything on close, waits for it, then refuses new items', async () => {
    const { batcher, sender, clock } = setup({ maxItems: 2, maxInFlight: 1 });
    const all = ['a', 'b', 'c'].map((x) => batcher.add(x, 1));
    let closed = false;
    const closing = batcher.close().then(() => {
      closed = true;
    });
    expect(clock.pending()).toEqual([]);
    sender.ok(0);
    await settle();
    expect(sender.calls[1]).toMatchObject({ items: ['c'], reason: 'close' });
    expect(closed).toBe(false);
    sender.ok(1);
    await closing;
    expect(await Promise.all(all)).toEqual(['ok:a', 'ok:b', 'ok:c']);
    await expect(batcher.add('late', 1)).rejects.toMatchObject({ code: 'SYNC_BATCHER_CLOSED' });
  });
});
