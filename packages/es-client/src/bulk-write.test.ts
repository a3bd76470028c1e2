// Unit tests of the per-item result mapping. @elastic/elasticsearch-mock stands in for the node
// only for what a healthy local node cannot produce on demand: 429, 5xx, connection failures
// and mixed per-item failures (STYLE 10.11). The real behaviour is covered by the indexer's
// integration tests.
import { describe, expect, it } from 'vitest';
import { Client, errors } from '@elastic/elasticsearch';
import MockModule from '@elastic/elasticsearch-mock';
import { bulkWrite, toBulkOperations, type BulkOp } from './bulk-write.js';

// The package's d.ts declares `export default`, but the CommonJS module exports the class itself.
const Mock = MockModule as unknown as typeof MockModule.default;

function clientWith(resolver: (params: { body?: unknown }) => Record<string, unknown> | Error) {
  const mock = new Mock();
  mock.add({ method: 'POST', path: '/_bulk' }, resolver as never);
  return new Client({
    node: 'http://127.0.0.1:9200',
    Connection: mock.getConnection(),
    maxRetries: 3,
  });
}

function responseError(statusCode: number, body: unknown) {
  return new errors.ResponseError({
    body,
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

const ops: BulkOp[] = [
  {
    action: 'index',
    index: 'records',
    id: 'did:gun:a',
    version: 2,
    document: { oip: { did: 'did:gun:a' } },
  },
  {
    action: 'index',
    index: 'records',
    id: 'did:gun:b',
    version: 5,
    document: { oip: { did: 'did:gun:b' } },
  },
  { action: 'delete', index: 'records', id: 'did:gun:c', version: 9 },
  { action: 'index', index: 'records', id: 'did:gun:d', version: 1, document: {} },
  { action: 'index', index: 'records', id: 'did:gun:e', version: 1, document: {} },
  { action: 'delete', index: 'records', id: 'did:gun:f', version: 3 },
];

describe(toBulkOperations.name, () => {
  it('writes every operation with its external_gte version, sources only for index', () => {
    expect(toBulkOperations(ops.slice(0, 3))).toEqual([
      { index: { _index: 'records', _id: 'did:gun:a', version: 2, version_type: 'external_gte' } },
      { oip: { did: 'did:gun:a' } },
      { index: { _index: 'records', _id: 'did:gun:b', version: 5, version_type: 'external_gte' } },
      { oip: { did: 'did:gun:b' } },
      { delete: { _index: 'records', _id: 'did:gun:c', version: 9, version_type: 'external_gte' } },
    ]);
  });
});

describe(bulkWrite.name, () => {
  it('maps each item of a mixed response to its own result, in order', async () => {
    const client = clientWith(() => ({
      took: 3,
      errors: true,
      items: [
        { index: { _index: 'records', _id: 'did:gun:a', status: 201, result: 'created' } },
        {
          index: {
            _index: 'records',
            _id: 'did:gun:b',
            status: 409,
            error: {
              type: 'version_conflict_engine_exception',
              reason:
                '[did:gun:b]: version conflict, current version [6] is higher than or equal to the one provided [5]',
            },
          },
        },
        { delete: { _index: 'records', _id: 'did:gun:c', status: 404, result: 'not_found' } },
        {
          index: {
            _index: 'records',
            _id: 'did:gun:d',
            status: 400,
            error: {
              type: 'document_parsing_exception',
              reason:
                "[1:20] failed to parse field [oip.indexedAt] of type [date] in document with id 'did:gun:d'. Preview of field's value: 'not a date'",
              caused_by: {
                type: 'illegal_argument_exception',
                reason: 'failed to parse date field [not a date]',
              },
            },
          },
        },
        {
          index: {
            _index: 'records',
            _id: 'did:gun:e',
            status: 429,
            error: {
              type: 'es_rejected_execution_exception',
              reason: 'rejected execution of coordinating operation',
            },
          },
        },
        {
          delete: {
            _index: 'records',
            _id: 'did:gun:f',
            status: 500,
            error: { type: 'exception', reason: 'something odd' },
          },
        },
      ],
    }));
    const results = await bulkWrite(client, ops);
    expect(results).toEqual([
      { outcome: 'ok', result: 'created' },
      {
        outcome: 'conflict',
        reason: expect.stringContaining('version_conflict_engine_exception') as unknown,
      },
      { outcome: 'ok', result: 'not_found' },
      {
        outcome: 'rejected',
        status: 400,
        type: 'document_parsing_exception',
        reason:
          "[1:20] failed to parse field [oip.indexedAt] of type [date] in document with id 'did:gun:d' (caused by illegal_argument_exception)",
      },
      {
        outcome: 'retry',
        status: 429,
        type: 'es_rejected_execution_exception',
        reason: 'rejected execution of coordinating operation',
        throttle: true,
      },
      {
        outcome: 'retry',
        status: 500,
        type: 'exception',
        reason: 'something odd',
        throttle: false,
      },
    ]);
  });

  it.each([429, 502, 503, 504])(
    'gives every operation a throttling retry when the request fails with %i',
    async (status) => {
      let calls = 0;
      const client = clientWith(() => {
        calls += 1;
        return responseError(status, {
          error: { type: 'overloaded', reason: 'try later' },
          status,
        });
      });
      const results = await bulkWrite(client, ops.slice(0, 2));
      expect(results).toEqual([
        { outcome: 'retry', status, type: 'overloaded', reason: 'try later', throttle: true },
        { outcome: 'retry', status, type: 'overloaded', reason: 'try later', throttle: true },
      ]);
      // Transport retries are off: the queue decides when to try again.
      expect(calls).toBe(1);
    },
  );

  it('gives every operation a throttling retry when the node cannot be reached', async () => {
    const client = clientWith(
      () => new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200'),
    );
    const results = await bulkWrite(client, ops.slice(0, 3));
    expect(results.map((r) => r.outcome)).toEqual(['retry', 'retry', 'retry']);
    expect(results[0]).toMatchObject({ type: 'ConnectionError', throttle: true });
  });

  it('rejects every operation when the request itself is malformed (400)', async () => {
    const client = clientWith(() =>
      responseError(400, {
        error: { type: 'illegal_argument_exception', reason: 'Malformed action/metadata line [1]' },
        status: 400,
      }),
    );
    const results = await bulkWrite(client, ops.slice(0, 1));
    expect(results).toEqual([
      {
        outcome: 'rejected',
        status: 400,
        type: 'illegal_argument_exception',
        reason: 'Malformed action/metadata line [1]',
      },
    ]);
  });

  it('retries without throttling when the response does not match the request', async () => {
    const client = clientWith(() => ({
      took: 1,
      errors: false,
      items: [{ index: { _index: 'records', _id: 'did:gun:a', status: 201, result: 'created' } }],
    }));
    const results = await bulkWrite(client, ops.slice(0, 2));
    expect(results).toEqual([
      {
        outcome: 'retry',
        type: 'bad_bulk_response',
        reason: 'expected 2 items, got 1',
        throttle: false,
      },
      {
        outcome: 'retry',
        type: 'bad_bulk_response',
        reason: 'expected 2 items, got 1',
        throttle: false,
      },
    ]);
  });

  it('sends nothing for no operations', async () => {
    const client = clientWith(() => {
      throw new Error('must not be called');
    });
    expect(await bulkWrite(client, [])).toEqual([]);
  });
});
