/**
 * The random choices of a fault test (which worker to kill, when) from one printed seed, so a
 * failing run can be replayed exactly: FAULT_SEED=<seed> runs the same choices again.
 */

export interface FaultRandom {
  seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  below(n: number): number;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FAULT_SEED when given (a whole number), else a fresh seed; printed either way. */
export function faultRandom(test: string, env = process.env.FAULT_SEED): FaultRandom {
  const given = env === undefined || env === '' ? undefined : Number(env);
  if (given !== undefined && !Number.isSafeInteger(given))
    throw new Error(`FAULT_SEED must be a whole number; got ${JSON.stringify(env)}`);
  const seed = given ?? Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`[faults] ${test}: seed ${seed} (replay: FAULT_SEED=${seed})\n`);
  const next = mulberry32(seed);
  return { seed, next, below: (n) => Math.floor(next() * n) };
}
