import { describe, expect, it } from 'vitest';
import { createThrottle, throttleStep } from './throttle.js';

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
    const throttle = createThrottle({
      baseMs: 100,
      maxMs: 60_000,
      pause: async (ms) => void pauses.push(ms),
      random: () => randoms.shift() ?? 0,
    });
    expect(await throttle.engage()).toBe(50); // step 100, random 0
    expect(await throttle.engage()).toBe(200); // step 200, random 1
    expect(await throttle.engage()).toBe(300); // step 400, random 0.5
    expect(pauses).toEqual([50, 200, 300]);
    expect(throttle.failures()).toBe(3);
    throttle.reset();
    expect(await throttle.engage()).toBe(50);
  });
});
