import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { askNode } from './gun-ask.js';
import type { GunRoot } from './gun-instance.js';

type Message = Record<string, unknown>;

/**
 * A GUN root that answers a `get` with the messages given, in that order, as a relay's GUN
 * delivers them to the read's listener (the order below was recorded from a real relay).
 */
function scriptedRoot(answer: (getId: string) => Message[]): GunRoot {
  return timedRoot((id) => answer(id).map((msg) => [0, msg]));
}

/** As scriptedRoot, each message `ms` after the one before it (fake timers). */
function timedRoot(answer: (getId: string) => [ms: number, msg: Message][]): GunRoot {
  const listeners = new Map<string, (msg: Message) => void>();
  return {
    graph: {},
    opt: { peers: {} },
    on(tag: string, arg: unknown) {
      if (typeof arg === 'function') {
        const fn = arg as (msg: Message) => void;
        listeners.set(tag, fn);
        return { off: () => listeners.delete(tag), to: { next: () => undefined } };
      }
      const msg = arg as Message;
      if (msg.get) {
        const id = String(msg['#']);
        let at = 0;
        queueMicrotask(() => {
          for (const [ms, reply] of answer(id)) {
            at += ms;
            if (at === 0) listeners.get(id)?.(reply);
            else setTimeout(() => listeners.get(id)?.(reply), at);
          }
        });
      }
      return undefined;
    },
  } as GunRoot;
}

const part = (soul: string, from: number, to: number) => {
  const fields: Record<string, unknown> = {};
  const states: Record<string, number> = {};
  for (let i = from; i < to; i++) {
    fields[`f${i}`] = `v${i}`;
    states[`f${i}`] = 1;
  }
  return { [soul]: { _: { '#': soul, '>': states }, ...fields } };
};

/** A relay's read of its own graph: 30 ms quiet time, nobody else to wait for. */
const askRelay = (root: GunRoot, soul: string) =>
  askNode(root, {
    soul,
    direction: 'in',
    readTimeoutMs: 5_000,
    peerWaitMs: 5_000,
    settleMs: 30,
    silenceIsNotFound: true,
    expectedAnswers: () => 0,
  });

describe('askNode', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('finishes once the parts settle when a last part arrives before the part announcing it', async () => {
    const soul = 'oip:registry:v2:recent';
    // Two answers (the relay's memory and its store) of a 12-field node, 9 fields a part; the
    // second answer's last part comes before its first.
    const root = scriptedRoot((id) => [
      { '@': id, '#': 'a1', '%': 'a2', put: part(soul, 0, 9) },
      { '@': id, '#': 'a2', put: part(soul, 9, 12) },
      { '@': id, '#': 'b2', put: part(soul, 9, 12) },
      { '@': id, '#': 'b1', '%': 'b2', put: part(soul, 0, 9) },
    ]);
    let result: Awaited<ReturnType<typeof askNode>> | undefined;
    void askRelay(root, soul).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(31);
    expect(result?.status).toBe('found');
    expect(result?.status === 'found' && Object.keys(result.value)).toHaveLength(12);
  });

  it('waits for a part that was announced and, when it never comes, answers partial, not the node', async () => {
    const soul = 'big';
    const root = scriptedRoot((id) => [{ '@': id, '#': 'a1', '%': 'a2', put: part(soul, 0, 9) }]);
    let result: Awaited<ReturnType<typeof askNode>> | undefined;
    void askRelay(root, soul).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(100);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(result?.status === 'error' && result.error.code).toBe('SYNC_GUN_PARTIAL');
  });

  // radisk streams a large node (a legacy index) in chunks flagged `'%': 1`, naming no next
  // part, with its own answers marked `_.rad`; a busy disk leaves gaps longer than settleMs.
  const radisk = { rad: { '#': 'big' } };
  const chunks = (soul: string, id: string, count: number, gapMs: number) =>
    Array.from({ length: count }, (_, n): [number, Message] => [
      n === 0 ? 0 : gapMs,
      {
        '@': id,
        put: part(soul, n * 100, (n + 1) * 100),
        ...(n < count - 1 ? { '%': 1 } : {}),
        _: radisk,
      },
    ]);

  it('gathers every chunk of a radisk stream whose chunks come further apart than settleMs', async () => {
    const soul = 'big';
    const root = timedRoot((id) => chunks(soul, id, 5, 200));
    let result: Awaited<ReturnType<typeof askNode>> | undefined;
    void askRelay(root, soul).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(result?.status).toBe('found');
    expect(result?.status === 'found' && Object.keys(result.value)).toHaveLength(500);
  });

  it("ends after radisk's last chunk even when it is empty", async () => {
    const soul = 'big';
    const root = timedRoot((id) => [
      ...chunks(soul, id, 2, 200).map(([ms, msg]): [number, Message] => [ms, { ...msg, '%': 1 }]),
      [200, { '@': id, _: radisk }],
    ]);
    let result: Awaited<ReturnType<typeof askNode>> | undefined;
    void askRelay(root, soul).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(440);
    expect(result?.status === 'found' && Object.keys(result.value)).toHaveLength(200);
  });

  it('answers partial, never the node, when a stream is still arriving at the stream limit', async () => {
    const soul = 'big';
    const root = timedRoot((id) => chunks(soul, id, 40, 200));
    let result: Awaited<ReturnType<typeof askNode>> | undefined;
    void askNode(root, {
      soul,
      direction: 'in',
      readTimeoutMs: 250,
      peerWaitMs: 250,
      settleMs: 30,
      silenceIsNotFound: true,
      expectedAnswers: () => 0,
      streamLimitMs: 2_000,
    }).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(1_900);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(result?.status === 'error' && result.error.code).toBe('SYNC_GUN_PARTIAL');
    expect(result?.status === 'error' && result.error.message).toMatch(
      /still arriving after 2000 ms/,
    );
  });
});
