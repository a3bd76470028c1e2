import { describe, expect, it } from 'vitest';
import { errors } from '@elastic/elasticsearch';
import { SyncError } from '@sync/runtime/errors';
import {
  EsError,
  classifyEsError,
  classifyStatus,
  safeReason,
  toEsError,
} from './classify-es-error.js';

function responseError(statusCode: number, body: unknown): errors.ResponseError {
  return new errors.ResponseError({
    body,
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

describe(classifyEsError.name, () => {
  it.each([
    [429, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
    [401, 'retryable'],
    [403, 'retryable'],
    [400, 'permanent'],
    [413, 'permanent'],
    [409, 'conflict'],
    [500, 'unknown'],
  ] as const)('classifies a ResponseError with status %i as %s', (status, kind) => {
    const c = classifyEsError(
      responseError(status, { error: { type: 'some_exception', reason: 'why' }, status }),
    );
    expect(c).toMatchObject({ kind, status, type: 'some_exception', reason: 'why' });
  });

  it.each([
    [400, 'index_closed_exception', 'closed'],
    [
      403,
      'cluster_block_exception',
      'index [records] blocked by: [FORBIDDEN/8/index write (api)];',
    ],
    [
      400,
      'illegal_argument_exception',
      'no write index is defined for alias [records]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index',
    ],
  ] as const)(
    'classifies a %i %s (the cluster, not the document) as retryable',
    (status, type, reason) => {
      expect(classifyStatus(status, { type, reason })).toMatchObject({ kind: 'retryable', type });
    },
  );

  it('keeps any other illegal_argument_exception permanent', () => {
    expect(
      classifyStatus(400, {
        type: 'illegal_argument_exception',
        reason: 'Limit of total fields [1000] has been exceeded',
      }),
    ).toMatchObject({ kind: 'permanent' });
  });

  it('classifies connection, timeout and no-living-connection errors as retryable', () => {
    for (const err of [
      new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:1'),
      new errors.TimeoutError('Request timed out'),
      new errors.NoLivingConnectionsError('no nodes', {} as never),
    ]) {
      expect(classifyEsError(err)).toMatchObject({ kind: 'retryable', type: err.name });
    }
  });

  it('keeps a body without an error object usable', () => {
    expect(classifyEsError(responseError(503, 'Service Unavailable'))).toMatchObject({
      kind: 'retryable',
      status: 503,
      type: 'http_503',
    });
    expect(
      classifyEsError(responseError(400, { error: 'plain string error', status: 400 })),
    ).toMatchObject({ kind: 'permanent', reason: 'plain string error' });
  });

  it('treats anything it does not know as unknown, never as permanent', () => {
    expect(classifyEsError(new TypeError('boom'))).toMatchObject({
      kind: 'unknown',
      type: 'TypeError',
      reason: 'boom',
    });
    expect(classifyEsError('a string')).toMatchObject({ kind: 'unknown', reason: 'a string' });
  });

  it('round-trips its own EsError', () => {
    expect(
      classifyEsError(new EsError('SYNC_ES_REJECTED', 'x', { retryable: false })),
    ).toMatchObject({ kind: 'permanent' });
    expect(
      classifyEsError(new EsError('SYNC_ES_UNAVAILABLE', 'x', { retryable: true })),
    ).toMatchObject({ kind: 'retryable' });
  });
});

describe(classifyStatus.name, () => {
  it('adds the caused_by type but never its reason, which may quote the value', () => {
    const c = classifyStatus(400, {
      type: 'document_parsing_exception',
      reason:
        "[1:30] failed to parse field [oip.indexedAt] of type [date] in document with id 'did:gun:a'. Preview of field's value: 'secret text'",
      caused_by: {
        type: 'illegal_argument_exception',
        reason: 'failed to parse date field [secret text]',
      },
    });
    expect(c.kind).toBe('permanent');
    expect(c.reason).toBe(
      "[1:30] failed to parse field [oip.indexedAt] of type [date] in document with id 'did:gun:a' (caused by illegal_argument_exception)",
    );
    expect(c.reason).not.toContain('secret');
  });
});

describe(safeReason.name, () => {
  it('bounds the length', () => {
    expect(safeReason('x'.repeat(2000)).length).toBeLessThanOrEqual(501);
  });
});

describe(toEsError.name, () => {
  it('makes permanent failures non-retryable SyncErrors with a stable code', () => {
    const err = toEsError({
      kind: 'permanent',
      status: 400,
      type: 'mapper_parsing_exception',
      reason: 'bad',
    });
    expect(err).toBeInstanceOf(SyncError);
    expect(err).toMatchObject({
      code: 'SYNC_ES_REJECTED',
      retryable: false,
      status: 400,
      type: 'mapper_parsing_exception',
    });
    expect(toEsError({ kind: 'retryable', type: 'ConnectionError', reason: 'down' })).toMatchObject(
      { code: 'SYNC_ES_UNAVAILABLE', retryable: true },
    );
  });
});
