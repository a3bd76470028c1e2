import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { askNode } from './gun-ask.js';
import type { GunRoot } from './gun-instance.js';

type Message = Record<string, unknown>;

/**
 * A GUN root that answers a `get` with the messages given, in that order, as a relay's GUN
 * delivers them to the read's listener (the order below was recorded from a real relay).
 */
function scriptedRoot(answer: (getId: string) => Message[]): GunRoot {
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
      if (msg.get)
        queueMicrotask(() => {
          for (const reply of answer(String(msg['#']))) listeners.get(String(msg['#']))?.(reply);
        });
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

  it('still waits for a part that was announced and has not arrived', async () => {
    const soul = 'big';
    const root = scriptedRoot((id) => [{ '@': id, '#': 'a1', '%': 'a2', put: part(soul, 0, 9) }]);
    let result: Awaited<ReturnType<typeof askNode>> | undefined;
    void askRelay(root, soul).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(100);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(result?.status).toBe('found');
  });
});
