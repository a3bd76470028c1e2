// The job handlers with hand-written fakes of our narrow interfaces (tombstones, watermarks,
// dead letters, stats, the batcher's submit); the real wiring is in test/indexer.int.test.ts.
import { randomBytes } from 'node:crypto';
import { RateLimitError, UnrecoverableError, type Job } from 'bullmq';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { seal } from '@sync/crypto';
import type { BulkOp, BulkResult } from '@sync/es-client';
import { createSilentLogger } from '@sync/logging';
import type { DeadLetterInput, Resolution } from '@sync/state';
import { makeDeleteDocument } from './delete-document.js';
import { makeIndexDocument } from './index-document.js';
import { sealContext } from './open-document.js';
import { createIndexerMetrics } from './metrics.js';
import type { JobDeps } from './settle.js';

const key = randomBytes(32);
const soul = 'abc123:post-1';
const did = `did:gun:${soul}`;
const source = { data: { basic: { name: 'x' } }, oip: { did, recordType: 'post' } };
const log = createSilentLogger();

function fakes(
  result: BulkResult | ((op: BulkOp) => BulkResult),
  tombstone?: number,
  indexed = true,
) {
  const calls: string[] = [];
  const submitted: BulkOp[] = [];
  const deadLetters: DeadLetterInput[] = [];
  const counted: [string, number, string | undefined][] = [];
  const freshness: number[] = [];
  const marks: [string, number][] = [];
  const resolved: [string, Resolution][] = [];
  const metrics = createIndexerMetrics(new Registry());
  const deps: JobDeps = {
    index: 'records',
    sealKey: key,
    submit: async (op) => {
      calls.push(`submit:${op.action}`);
      submitted.push(op);
      return typeof result === 'function' ? result(op) : result;
    },
    isIndexed: async () => indexed,
    tombstones: {
      get: async () => tombstone,
      put: async (d, v) => void calls.push(`tombstone:${d}:${v}`),
      markPending: async (d, v) => void calls.push(`pending:${d}:${v}`),
    },
    watermarks: { markIndexed: async (s, v) => void marks.push([s, v]) },
    deadLetters: {
      record: async (input) => {
        deadLetters.push(input);
        return { ...input, firstFailedAt: input.at, lastFailedAt: input.at, attempts: 1 };
      },
      resolve: async (soul, resolution) => {
        resolved.push([soul, resolution]);
        return true;
      },
    },
    stats: {
      count: async (outcome, n = 1, reason) => void counted.push([outcome, n, reason]),
      recordFreshness: async (ms) => void freshness.push(ms),
    },
    metrics,
    now: () => 1_700_000_000_000,
  };
  return { deps, calls, submitted, deadLetters, resolved, counted, freshness, marks, metrics };
}

const job = (attemptsMade = 0, attempts = 10) => ({
  job: { attemptsMade, opts: { attempts } } as unknown as Job,
  log,
});
const indexData = (
  version = 5,
  sealed = seal(
    { _id: did, _index: 'records', version, _source: source },
    key,
    sealContext({ soul, version }),
  ),
) => ({ did, soul, version, sealed, bytes: 100 });

describe(makeIndexDocument.name, () => {
  it('opens the document and indexes it with its version, then raises the watermark', async () => {
    const f = fakes({ outcome: 'ok', result: 'created' });
    expect(await makeIndexDocument(f.deps)(indexData(), job())).toEqual({ outcome: 'indexed' });
    expect(f.submitted).toEqual([
      { action: 'index', index: 'records', id: did, version: 5, document: source },
    ]);
    expect(f.marks).toEqual([[soul, 5]]);
    expect(f.counted).toEqual([['synced', 1, undefined]]);
    expect(f.resolved).toEqual([[soul, { stage: 'index', version: 5 }]]);
  });

  it('observes the time from the record’s publish time (its version) to indexed', async () => {
    const f = fakes({ outcome: 'ok', result: 'created' });
    await makeIndexDocument(f.deps)(indexData(1_700_000_000_000 - 4_000), job());
    const [histogram] = (await f.metrics.freshness.get()).values.filter(
      (v) => v.metricName === 'sync_indexer_freshness_seconds_sum',
    );
    expect(histogram?.value).toBe(4);
    // Kept for the status page too.
    expect(f.freshness).toEqual([4_000]);
  });

  it('accepts a payload sealed as a JSON string', async () => {
    const f = fakes({ outcome: 'ok', result: 'created' });
    const sealed = seal(
      JSON.stringify({ _id: did, _source: source }),
      key,
      sealContext({ soul, version: 5 }),
    );
    expect(await makeIndexDocument(f.deps)(indexData(5, sealed), job())).toEqual({
      outcome: 'indexed',
    });
    expect(f.submitted[0]).toMatchObject({ document: source });
  });

  it.each([
    [5, 'equal'],
    [9, 'newer'],
  ])('skips a version when a tombstone is %i (%s)', async (tombstone) => {
    const f = fakes({ outcome: 'ok', result: 'created' }, tombstone);
    expect(await makeIndexDocument(f.deps)(indexData(5), job())).toEqual({ outcome: 'tombstoned' });
    expect(f.submitted).toEqual([]);
    expect(f.counted).toEqual([['skipped', 1, undefined]]);
    expect(f.resolved).toEqual([[soul, { stage: 'index', version: 5 }]]);
  });

  it('indexes a version newer than the tombstone', async () => {
    const f = fakes({ outcome: 'ok', result: 'created' }, 4);
    expect(await makeIndexDocument(f.deps)(indexData(5), job())).toEqual({ outcome: 'indexed' });
  });

  it('counts a version conflict as done', async () => {
    const f = fakes({ outcome: 'conflict', reason: 'version_conflict_engine_exception: newer' });
    expect(await makeIndexDocument(f.deps)(indexData(), job())).toEqual({ outcome: 'conflict' });
    expect(f.marks).toEqual([]);
    expect(f.counted).toEqual([['skipped', 1, undefined]]);
    expect(f.resolved).toEqual([[soul, { stage: 'index', version: 5 }]]);
  });

  it('retries a conflict with a remembered delete when no tombstone covers the version (an un-delete)', async () => {
    const f = fakes(
      { outcome: 'conflict', reason: 'version_conflict_engine_exception' },
      undefined,
      false,
    );
    await expect(makeIndexDocument(f.deps)(indexData(), job())).rejects.toThrow(
      /undeleted-version-conflict/,
    );
    expect(f.marks).toEqual([]);
    expect(f.deadLetters).toEqual([]);
    const last = fakes({ outcome: 'conflict', reason: 'conflict' }, undefined, false);
    await expect(makeIndexDocument(last.deps)(indexData(), job(9, 10))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expect(last.deadLetters).toMatchObject([{ reason: 'es-failed', version: 5 }]);
  });

  it('counts a conflict with a remembered delete as tombstoned when a deletion covers the version', async () => {
    let tombstone: number | undefined;
    const f = fakes(
      () => {
        tombstone = 9; // a delete raced the index job and marked its tombstone first
        return { outcome: 'conflict', reason: 'conflict' };
      },
      undefined,
      false,
    );
    f.deps.tombstones.get = async () => tombstone;
    expect(await makeIndexDocument(f.deps)(indexData(), job())).toEqual({ outcome: 'tombstoned' });
    expect(f.counted).toEqual([['skipped', 1, undefined]]);
  });

  it("dead-letters a rejection with Elasticsearch's type and reason and fails without retry", async () => {
    const f = fakes({
      outcome: 'rejected',
      status: 400,
      type: 'document_parsing_exception',
      reason: 'failed to parse field [oip.indexedAt]',
    });
    const run = makeIndexDocument(f.deps)(indexData(), job());
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run).rejects.toThrow(
      'es-rejected: document_parsing_exception: failed to parse field [oip.indexedAt]',
    );
    expect(f.deadLetters).toEqual([
      {
        soul,
        did,
        stage: 'index',
        version: 5,
        reason: 'es-rejected',
        detail: 'document_parsing_exception: failed to parse field [oip.indexedAt]',
        at: 1_700_000_000_000,
      },
    ]);
    expect(f.counted).toEqual([['error', 1, 'es-rejected']]);
  });

  it('returns the job to the queue through RateLimitError when Elasticsearch is unavailable', async () => {
    const f = fakes({
      outcome: 'retry',
      status: 503,
      type: 'unavailable_shards_exception',
      reason: 'primary shard is not active',
      throttle: true,
    });
    await expect(makeIndexDocument(f.deps)(indexData(), job(7, 10))).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(f.deadLetters).toEqual([]);
  });

  it('retries an unexpected failure with backoff, and dead-letters it on the last attempt', async () => {
    const failure: BulkResult = {
      outcome: 'retry',
      status: 500,
      type: 'exception',
      reason: 'odd',
      throttle: false,
    };
    const f = fakes(failure);
    const first = makeIndexDocument(f.deps)(indexData(), job(0, 3));
    await expect(first).rejects.toMatchObject({ code: 'SYNC_ES_FAILED', retryable: true });
    await expect(first).rejects.not.toBeInstanceOf(UnrecoverableError);
    expect(f.deadLetters).toEqual([]);
    await expect(makeIndexDocument(f.deps)(indexData(), job(2, 3))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expect(f.deadLetters).toMatchObject([{ reason: 'es-failed', detail: 'exception: odd' }]);
    expect(f.resolved).toEqual([]);
  });

  it('dead-letters a payload sealed with another key, or for another DID', async () => {
    const f = fakes({ outcome: 'ok', result: 'created' });
    await expect(
      makeIndexDocument(f.deps)(
        indexData(
          5,
          seal({ _id: did, _source: source }, randomBytes(32), sealContext({ soul, version: 5 })),
        ),
        job(),
      ),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(
      makeIndexDocument(f.deps)(
        indexData(
          5,
          seal(
            { _id: did, _source: source },
            key,
            sealContext({ soul: 'another-soul', version: 5 }),
          ),
        ),
        job(),
      ),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(
      makeIndexDocument(f.deps)(
        indexData(
          5,
          seal({ _id: 'did:gun:other', _source: source }, key, sealContext({ soul, version: 5 })),
        ),
        job(),
      ),
    ).rejects.toThrow("_id is not the job's DID");
    expect(f.deadLetters.map((d) => d.reason)).toEqual([
      'unreadable-document',
      'unreadable-document',
      'unreadable-document',
    ]);
    expect(f.deadLetters[0]?.detail).toContain('SYNC_SEAL_INVALID');
    expect(f.submitted).toEqual([]);
  });
});

describe('private records and the seal', () => {
  const privateSource = {
    data: { health: { diagnosis: 'x' } },
    oip: { did, recordType: 'post', wasEncrypted: true },
  };
  const privateData = (version = 5) => ({
    did,
    soul,
    version,
    sealed: seal(
      { _id: did, _index: 'records', version, _source: privateSource },
      key,
      sealContext({ soul, version }),
    ),
    bytes: 100,
  });
  const reason =
    "failed to parse field [data.health.diagnosis] of type [long] in document with id 'x'. Preview of field's value: 'x'";
  /** Everything of a failure that reaches Redis: the dead letter and BullMQ's failedReason. */
  const stored = async (run: Promise<unknown>, f: ReturnType<typeof fakes>) => {
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    return JSON.stringify({ message: (err as Error).message, deadLetters: f.deadLetters });
  };

  it('keeps the reason class of a rejection but no field path of a private record', async () => {
    const f = fakes({
      outcome: 'rejected',
      status: 400,
      type: 'document_parsing_exception',
      reason,
    });
    const text = await stored(makeIndexDocument(f.deps)(privateData(), job()), f);
    expect(text).toContain('document_parsing_exception');
    expect(text).not.toMatch(/health|diagnosis|Preview/);
  });

  it('keeps no field path of a private record in a retry or its last-attempt dead letter', async () => {
    const failure = {
      outcome: 'retry',
      type: 'mapper_exception',
      reason,
      throttle: false,
    } as const;
    for (const attemptsMade of [0, 9]) {
      const f = fakes(failure);
      const text = await stored(makeIndexDocument(f.deps)(privateData(), job(attemptsMade)), f);
      expect(text).toContain('mapper_exception');
      expect(text).not.toMatch(/health|diagnosis|Preview/);
    }
  });

  it('does not open a document under a version other than the one it was sealed for', async () => {
    const f = fakes({ outcome: 'ok', result: 'created' });
    const moved = { ...privateData(5), version: 9 };
    await expect(makeIndexDocument(f.deps)(moved, job())).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expect(f.submitted).toEqual([]);
    expect(f.deadLetters).toMatchObject([{ reason: 'unreadable-document' }]);
  });
});

describe(makeDeleteDocument.name, () => {
  it('writes the tombstone once Elasticsearch confirmed the delete, with the deletion time as version', async () => {
    const f = fakes({ outcome: 'ok', result: 'deleted' });
    expect(await makeDeleteDocument(f.deps)({ did, soul, version: 9 }, job())).toEqual({
      outcome: 'deleted',
    });
    expect(f.calls).toEqual([`pending:${did}:9`, 'submit:delete', `tombstone:${did}:9`]);
    expect(f.submitted).toEqual([{ action: 'delete', index: 'records', id: did, version: 9 }]);
    expect(f.counted).toEqual([['deleted', 1, undefined]]);
  });

  it('counts a newer version published after the deletion (409) as done', async () => {
    const f = fakes({ outcome: 'conflict', reason: 'newer' });
    expect(await makeDeleteDocument(f.deps)({ did, soul, version: 9 }, job())).toEqual({
      outcome: 'conflict',
    });
  });

  it('writes the tombstone of a delete that found nothing to delete (404 is done)', async () => {
    const f = fakes({ outcome: 'ok', result: 'not_found' });
    await makeDeleteDocument(f.deps)({ did, soul, version: 9 }, job());
    expect(f.calls).toEqual([`pending:${did}:9`, 'submit:delete', `tombstone:${did}:9`]);
  });

  it.each([
    ['a retryable failure', { outcome: 'retry', throttle: false, type: 'x', reason: 'y' }, 0],
    ['an outage (throttled)', { outcome: 'retry', throttle: true, type: 'x', reason: 'y' }, 0],
    ['the last failed attempt', { outcome: 'retry', throttle: false, type: 'x', reason: 'y' }, 9],
    ['a rejection', { outcome: 'rejected', type: 'x', reason: 'y' }, 0],
  ] as const)(
    'writes no tombstone when the delete did not happen (%s), so discovery retries it',
    async (_name, result, attemptsMade) => {
      const f = fakes(result);
      await expect(
        makeDeleteDocument(f.deps)({ did, soul, version: 9 }, job(attemptsMade)),
      ).rejects.toThrow();
      expect(f.calls).toEqual([`pending:${did}:9`, 'submit:delete']);
    },
  );
});
