import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '@sync/logging';
import { SyncError } from '@sync/runtime/errors';
import { assertHandlers, defineProcessor, toJobError } from './processor.js';

const Payload = z.object({ soul: z.string().min(1) });

function fakeJob(name: string, data: unknown): Job {
  return { id: 'job-1', name, data, attemptsMade: 0 } as unknown as Job;
}

describe(defineProcessor.name, () => {
  const log = createSilentLogger();

  it('passes the parsed payload to the handler', async () => {
    const process = defineProcessor(
      { work: { schema: Payload, handle: async (data) => `done ${data.soul}` } },
      log,
    );
    await expect(process(fakeJob('work', { soul: 'a:b' }))).resolves.toBe('done a:b');
  });

  it('makes a bad payload unrecoverable', async () => {
    const process = defineProcessor({ work: { schema: Payload, handle: async () => 'x' } }, log);
    await expect(process(fakeJob('work', { soul: '' }))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(process(fakeJob('other', {}))).rejects.toThrow(/no processor for job other/);
  });

  it('maps permanent SyncErrors to UnrecoverableError and keeps retryable ones', async () => {
    const permanent = defineProcessor(
      {
        work: {
          schema: Payload,
          handle: async () => Promise.reject(new SyncError('SYNC_INVALID', 'bad record')),
        },
      },
      log,
    );
    await expect(permanent(fakeJob('work', { soul: 's' }))).rejects.toThrow(UnrecoverableError);
    await expect(permanent(fakeJob('work', { soul: 's' }))).rejects.toThrow(
      'SYNC_INVALID: bad record',
    );
    const transient = new SyncError('SYNC_GUN_TIMEOUT', 'timeout', { retryable: true });
    expect(toJobError(transient)).toBe(transient);
    expect(toJobError('text')).toBeInstanceOf(Error);
  });
});

describe(assertHandlers.name, () => {
  it('throws when a job name has no processor', () => {
    expect(() => assertHandlers('sync.index', ['a', 'b'], { a: 1 })).toThrow(
      'queue sync.index has no processor for: b',
    );
    expect(() => assertHandlers('sync.index', ['a'], { a: 1 })).not.toThrow();
  });
});
