/**
 * The status page's time series: one sample of the pipeline per `stepMs` (10 s), kept for
 * `keepMs` (an hour) in a Redis stream, so every API replica and every viewer sees the same
 * charts and nothing grows: each sample's id is its step's start (`<ms>-0`), so a second replica
 * recording the same step is refused by Redis (ids only grow), and each write trims what is
 * older than `keepMs` (MINID). At most keepMs / stepMs + 1 samples (361) exist at any time.
 * Samples carry counts only, never record content.
 */
import type { Redis } from 'ioredis';
import { stateKeys } from '@sync/state';

export interface StatusSample {
  /** Start of the step, ms. */
  t: number;
  /** Jobs waiting, prioritized or active per record queue. */
  transform: number;
  index: number;
  /** Age of the oldest waiting record job, ms. */
  lagMs: number;
  /** Lifetime counters (the chart shows their differences). */
  discovered: number;
  synced: number;
  deleted: number;
  errors: number;
  deadLetters: number;
}

export interface StatusSeries {
  /** Records the sample of the step `sample.t` falls in, unless one is there; true if written. */
  record(sample: StatusSample): Promise<boolean>;
  /** The samples of the last `keepMs` before `now`, oldest first. */
  read(now: number): Promise<StatusSample[]>;
  readonly stepMs: number;
}

export interface StatusSeriesOptions {
  stepMs?: number;
  keepMs?: number;
}

const fields = [
  'transform',
  'index',
  'lagMs',
  'discovered',
  'synced',
  'deleted',
  'errors',
  'deadLetters',
] as const;

function isStaleId(err: unknown): boolean {
  return (
    err instanceof Error && /equal or smaller than the target stream top item/.test(err.message)
  );
}

export function createStatusSeries(
  redis: Pick<Redis, 'xadd' | 'xrange'>,
  prefix: string,
  { stepMs = 10_000, keepMs = 3_600_000 }: StatusSeriesOptions = {},
): StatusSeries {
  const key = stateKeys(prefix).statusSeries;
  return {
    stepMs,
    async record(sample) {
      const step = Math.floor(sample.t / stepMs) * stepMs;
      const values = fields.flatMap((f) => [f, String(Math.round(sample[f]))]);
      try {
        await redis.xadd(key, 'MINID', '=', String(step - keepMs), `${step}-0`, ...values);
        return true;
      } catch (err) {
        if (isStaleId(err)) return false; // another replica, or an earlier request, has this step
        throw err;
      }
    },
    async read(now) {
      const entries = await redis.xrange(key, String(Math.max(0, now - keepMs)), '+');
      return entries.map(([id, flat]) => {
        const sample: StatusSample = {
          t: Number(id.split('-')[0]),
          transform: 0,
          index: 0,
          lagMs: 0,
          discovered: 0,
          synced: 0,
          deleted: 0,
          errors: 0,
          deadLetters: 0,
        };
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const field = flat[i] as (typeof fields)[number];
          if (fields.includes(field)) sample[field] = Number(flat[i + 1]);
        }
        return sample;
      });
    },
  };
}
