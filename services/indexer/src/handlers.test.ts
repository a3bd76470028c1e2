// The job handlers with hand-written fakes of our narrow interfaces (tombstones, watermarks,
// dead letters, stats, the batcher's submit); the real wiring is in test/indexer.int.test.ts.
import { randomBytes } from 'node:crypto';
import { RateLimitError, UnrecoverableError, type Job } from 'bullmq';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { seal } from '@sync/crypto';
import type { BulkOp, BulkResult } from '@sync/es-client';
import { createSilentLogger } from '@sync/logging';
import type { DeadLetterInput } from '@sync/state';
import { makeDeleteDocument } from './delete-document.js';
import { makeIndexDocument } from './index-document.js';
import { createIndexerMetrics } from './metrics.js';
import type { JobDeps } from './settle.js';

const key = randomBytes(32);
const soul = 'abc123:post-1';
const did = `did:gun:${soul}`;
const source = { data: { basic: { name: 'x' } }, oip: { did, recordType: 'post' } };
const log = createSilentLogger();

function fakes(result: BulkResult | ((op: BulkOp) => BulkResult), tombstone?: number) {
  const calls: string[] = [];
  const submitted: BulkOp[] = [];
  const deadLetters: DeadLetterInput[] = [];
  const counted: [string, number, string | undefined][] = [];
  const marks: [string, number][] = [];
  const metrics = createIndexerMetrics(new Registry());
  const deps: JobDeps = {
    index: 'records',
    sealKey: key,
    submit: async (op) => {
      calls.push(`submit:${op.action}`);
      submitted.push(op);
      return typeof result === 'function' ? result(op) : result;
    },
    tombstones: {
      get: async () => tombstone,
      put: async (d, v) => void calls.push(`tombstone:${d}:${v}`),
    },
    watermarks: { markIndexed: async (s, v) => void marks.push([s, v]) },
    deadLetters: {
      record: async (input) => {
        deadLetters.push(input);
        return { ...input, firstFailedAt: input.at, lastFailedAt: input.at, attempts: 1 };
      },
    },
    stats: { count: async (outcome, n = 1, reason) => void counted.push([outcome, n, reason]) },
    metrics,
    now: () => 1_700_000_000_000,
  };
  return { deps, calls, submitted, deadLetters, counted, marks, metrics };
}

const job = (attemptsMade = 0, attempts = 10) => ({
  job: { attemptsMade, opts: { attempts } } as unknown as Job,
  log,
});
const indexData = (
  version = 5,
  sealed = seal({ _id: did, _index: 'records', version, _source: source }, key, soul),
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
  });

  it('observes the time from the record’s publish time (its version) to indexed', async () => {
    const f = fakes({ outcome: 'ok', result: 'created' });
    await makeIndexDocument(f.deps)(indexData(1_700_000_000_000 - 4_000), job());
    const [histogram] = (await f.metrics.freshness.get()).values.filter(
      (v) => v.metricName === 'sync_indexer_freshness_seconds_sum',
    );
    expect(histogram?.value).toBe(4);
  });

  it('accepts a payload sealed as a JSON string', async () => {
    const f = fakes({ outcome: 'ok', result: 'created' });
    const sealed = seal(JSON.stringify({ _id: did, _source: source }), key, soul);
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
  });

  it('dead-letters a payload sealed with another key, or for another DID', async () => {
    const f = fakes({ outcome: 'ok', result: 'created' });
    await expect(
      makeIndexDocument(f.deps)(
        indexData(5, seal({ _id: did, _source: source }, randomBytes(32), soul)),
        job(),
      ),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(
      makeIndexDocument(f.deps)(
        indexData(5, seal({ _id: did, _source: source }, key, 'another-soul')),
        job(),
      ),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(
      makeIndexDocument(f.deps)(
        indexData(5, seal({ _id: 'did:gun:other', _source: source }, key, soul)),
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

describe(makeDeleteDocument.name, () => {
  it('writes the tombstone before it deletes, with the deletion time as version', async () => {
    const f = fakes({ outcome: 'ok', result: 'deleted' });
    expect(await makeDeleteDocument(f.deps)({ did, soul, version: 9 }, job())).toEqual({
      outcome: 'deleted',
    });
    expect(f.calls).toEqual([`tombstone:${did}:9`, 'submit:delete']);
    expect(f.submitted).toEqual([{ action: 'delete', index: 'records', id: did, version: 9 }]);
    expect(f.counted).toEqual([['deleted', 1, undefined]]);
  });

  it('counts a newer version published after the deletion (409) as done', async () => {
    const f = fakes({ outcome: 'conflict', reason: 'newer' });
    expect(await makeDeleteDocument(f.deps)({ did, soul, version: 9 }, job())).toEqual({
      outcome: 'conflict',
    });
  });
});
