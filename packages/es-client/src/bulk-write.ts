/**
 * One `_bulk` request for many operations, and one result per operation, in order. Every write
 * uses external versioning (`version_type: external_gte`): an operation whose version is lower
 * than the stored one is refused with 409 (`conflict`, meaning "a newer state is already
 * there"), so replays and late deliveries can never move a document backwards. A delete of a
 * missing document (404) is done. The request itself failing gives every operation the same
 * result. Transport retries are off: callers retry through their queue and see failures at once.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { classifyEsError, classifyStatus, type EsErrorClass } from './classify-es-error.js';

export type BulkOp =
  | {
      action: 'index';
      index: string;
      id: string;
      version: number;
      document: Record<string, unknown>;
    }
  | { action: 'delete'; index: string; id: string; version: number };

export type BulkResult =
  /** `result` is Elasticsearch's: created, updated, deleted or not_found. */
  | { outcome: 'ok'; result: string }
  | { outcome: 'conflict'; reason: string }
  /** The operation itself is wrong (mapping or parse error): do not retry. */
  | { outcome: 'rejected'; status?: number; type: string; reason: string }
  /**
   * Try again later. `throttle`: Elasticsearch is unavailable or overloaded, slow everything
   * down; otherwise an unexpected failure of this operation, retry it a bounded number of times.
   */
  | { outcome: 'retry'; status?: number; type: string; reason: string; throttle: boolean };

export interface BulkWriteOptions {
  refresh?: boolean | 'wait_for';
  /** Overrides the client's request timeout for this request. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Serialises the operations into `_bulk` lines (action, then source for `index`). */
export function toBulkOperations(ops: readonly BulkOp[]): estypes.BulkRequest['operations'] {
  const lines: NonNullable<estypes.BulkRequest['operations']> = [];
  for (const op of ops) {
    const meta = {
      _index: op.index,
      _id: op.id,
      version: op.version,
      version_type: 'external_gte' as const,
    };
    if (op.action === 'index') lines.push({ index: meta }, op.document);
    else lines.push({ delete: meta });
  }
  return lines;
}

/** Maps a failure class to a result. */
export function toBulkResult(c: EsErrorClass): BulkResult {
  const status = c.status !== undefined ? { status: c.status } : {};
  switch (c.kind) {
    case 'conflict':
      return { outcome: 'conflict', reason: `${c.type}: ${c.reason}` };
    case 'permanent':
      return { outcome: 'rejected', ...status, type: c.type, reason: c.reason };
    case 'retryable':
      return { outcome: 'retry', ...status, type: c.type, reason: c.reason, throttle: true };
    case 'unknown':
      return { outcome: 'retry', ...status, type: c.type, reason: c.reason, throttle: false };
  }
}

/** The result of one response item. */
export function toItemResult(op: BulkOp, item: estypes.BulkResponseItem | undefined): BulkResult {
  if (!item)
    return {
      outcome: 'retry',
      type: 'missing_item',
      reason: 'the bulk response has no item for this operation',
      throttle: false,
    };
  const { status } = item;
  if (status >= 200 && status < 300) return { outcome: 'ok', result: item.result ?? 'ok' };
  if (op.action === 'delete' && status === 404)
    return { outcome: 'ok', result: item.result ?? 'not_found' };
  return toBulkResult(classifyStatus(status, item.error));
}

/**
 * Never throws: a failed request is reported as the same result for every operation.
 */
export async function bulkWrite(
  client: Client,
  ops: readonly BulkOp[],
  options: BulkWriteOptions = {},
): Promise<BulkResult[]> {
  if (ops.length === 0) return [];
  let response: estypes.BulkResponse;
  try {
    response = await client.bulk(
      {
        operations: toBulkOperations(ops),
        ...(options.refresh !== undefined ? { refresh: options.refresh } : {}),
      },
      {
        maxRetries: 0,
        ...(options.timeoutMs !== undefined ? { requestTimeout: options.timeoutMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  } catch (err) {
    const result = toBulkResult(classifyEsError(err));
    return ops.map(() => result);
  }
  if (response.items.length !== ops.length) {
    const result: BulkResult = {
      outcome: 'retry',
      type: 'bad_bulk_response',
      reason: `expected ${ops.length} items, got ${response.items.length}`,
      throttle: false,
    };
    return ops.map(() => result);
  }
  return ops.map((op, i) => {
    const entry = response.items[i];
    return toItemResult(op, entry ? (entry[op.action] ?? Object.values(entry)[0]) : undefined);
  });
}
