import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { finalFailure } from './final-failure.js';

const job = (attemptsMade: number, attempts = 3) => ({ attemptsMade, opts: { attempts } });

describe(finalFailure.name, () => {
  it('is undefined while attempts are left', () => {
    expect(finalFailure(job(1), new Error('down'))).toBeUndefined();
  });

  it('says retries-exhausted on the last attempt', () => {
    expect(finalFailure(job(3), new Error('down'))).toBe('retries-exhausted');
  });

  it.each([
    ['job stalled more than allowable limit', 'stalled'],
    ['job started more than allowable limit', 'stalled'],
    ['SYNC_BAD_PAYLOAD: index-document payload invalid: version: too small', 'bad-payload'],
    ['no processor for job reindex', 'unknown-job'],
    ['es-rejected: mapper_parsing_exception', 'unrecoverable'],
  ])('names the UnrecoverableError "%s" %s, whatever the attempts', (message, reason) => {
    expect(finalFailure(job(0), new UnrecoverableError(message))).toBe(reason);
    // As it arrives from another process: only the name survives.
    const plain = Object.assign(new Error(message), { name: 'UnrecoverableError' });
    expect(finalFailure(job(0), plain)).toBe(reason);
  });
});
