import { describe, expect, it } from 'vitest';
import { createThrottle, throttleStep, type Timers } from './throttle.js';

describe(throttleStep.name, () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => throttleStep(n, 1_000, 60_000))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(throttleStep(10_000, 1_000, 60_000)).toBe(60_000);
  });
});

describe(createThrottle.name, () => {
  it('pauses the queue with jitter between half and all of the step, and resets after a success', async () => {
    const pauses: number[] = [];
    const randoms = [0, 1, 0.5];
    let now = 0;
    const throttle = createThrottle({
      baseMs: 100,
      maxMs: 60_000,
      pause: async (ms) => void pauses.push(ms),
      random: () => randoms.shift() ?? 0,
      timers: { setTimeout: () => undefined, clearTimeout: () => undefined, now: () => now },
    });
    expect(await throttle.engage()).toBe(50); // step 100, random 0
    now = 1_000;
    expect(await throttle.engage()).toBe(200); // step 200, random 1
    now = 2_000;
    expect(await throttle.engage()).toBe(300); // step 400, random 0.5
    expect(pauses).toEqual([50, 200, 300]);
    expect(throttle.failures()).toBe(3);
    throttle.reset();
    now = 3_000;
    expect(await throttle.engage()).toBe(50);
  });

  it('counts batches that fail while a pause holds as the same failure', async () => {
    const pauses: number[] = [];
    let now = 0;
    const throttle = createThrottle({
      baseMs: 1_000,
      maxMs: 60_000,
      pause: async (ms) => void pauses.push(ms),
      random: () => 1,
      timers: { setTimeout: () => undefined, clearTimeout: () => undefined, now: () => now },
    });
    expect(await throttle.engage()).toBe(1_000);
    now = 400; // seven more batches of the same moment fail
    for (let i = 0; i < 7; i++) expect(await throttle.engage()).toBe(600);
    expect(pauses).toEqual([1_000]);
    expect(throttle.failures()).toBe(1);
    now = 1_000; // the pause is over; the next failure is the second
    expect(await throttle.engage()).toBe(2_000);
    expect(throttle.failures()).toBe(2);
  });
});

/** Timers the test moves by hand. */
function manualTimers() {
  let now = 0;
  const due: { at: number; fn: () => void }[] = [];
  const timers: Timers = {
    setTimeout(fn, ms) {
      const entry = { at: now + ms, fn };
      due.push(entry);
      return entry;
    },
    clearTimeout(handle) {
      const i = due.indexOf(handle as (typeof due)[number]);
      if (i >= 0) due.splice(i, 1);
    },
    now: () => now,
  };
  return {
    timers,
    scheduled: () => due.length,
    /** Moves the clock to `to`, firing what falls due, and lets their promises settle. */
    async advance(to: number) {
      for (;;) {
        due.sort((a, b) => a.at - b.at);
        const next = due[0];
        if (!next || next.at > to) break;
        due.shift();
        now = next.at;
        next.fn();
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
      now = to;
    },
  };
}

describe('probing while Elasticsearch is unreachable', () => {
  function setup(answers: boolean[]) {
    const clock = manualTimers();
    const events: string[] = [];
    const throttle = createThrottle({
      baseMs: 8_000,
      maxMs: 60_000,
      random: () => 1,
      pause: async (ms) => void events.push(`pause ${ms}`),
      probe: async () => {
        const up = answers.shift() ?? false;
        events.push(`probe ${clock.timers.now()} ${up ? 'up' : 'down'}`);
        return up;
      },
      lift: async () => void events.push(`lift ${clock.timers.now()}`),
      onLift: (ms) => events.push(`lifted after ${ms}`),
      probeEveryMs: 1_000,
      timers: clock.timers,
    });
    return { clock, events, throttle };
  }

  it('asks every second and ends the pause as soon as Elasticsearch answers', async () => {
    const { clock, events, throttle } = setup([false, false, true]);
    await throttle.engage('unavailable');
    await clock.advance(10_000);
    expect(events).toEqual([
      'pause 8000',
      'probe 1000 down',
      'probe 2000 down',
      'probe 3000 up',
      'lift 3000',
      'lifted after 3000',
    ]);
    expect(clock.scheduled()).toBe(0);
  });

  it('stops asking when the pause is over, and never probes an overloaded Elasticsearch', async () => {
    const { clock, events, throttle } = setup([]);
    await throttle.engage('overloaded'); // 8 s, not probed
    expect(clock.scheduled()).toBe(0);
    await clock.advance(8_000);
    await throttle.engage('unavailable'); // second failure: 16 s, from 8 s to 24 s
    await clock.advance(40_000);
    // At 9 s … 23 s; at 24 s the pause is over and nobody asks any more.
    expect(events.filter((e) => e.startsWith('probe'))).toHaveLength(15);
    expect(events).not.toContain('lift');
    expect(clock.scheduled()).toBe(0);
  });

  it('keeps one probe for overlapping pauses and stops it on close', async () => {
    const { clock, events, throttle } = setup([]);
    await throttle.engage('unavailable');
    await throttle.engage('unavailable');
    expect(clock.scheduled()).toBe(1);
    await clock.advance(2_500);
    throttle.close();
    expect(clock.scheduled()).toBe(0);
    await clock.advance(60_000);
    expect(events.filter((e) => e.startsWith('probe'))).toEqual([
      'probe 1000 down',
      'probe 2000 down',
    ]);
  });
});
