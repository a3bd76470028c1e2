/**
 * What to do about an Elasticsearch failure, for a whole request (a thrown client error) or for
 * one item of a `_bulk` response. Four answers:
 *
 * | kind        | when                                                                 | the caller            |
 * | ----------- | -------------------------------------------------------------------- | --------------------- |
 * | `retryable` | 429, 502, 503, 504; connection, timeout, no living node; 401/403/404; | slows the whole queue |
 * |             | any status caused by the cluster's state (closed index, no write index) |                     |
 * | `permanent` | 400 and the other 4xx (mapping or parse errors: the document itself)  | dead-letters it       |
 * | `conflict`  | 409 (an equal or newer version is already there)                     | counts it as done     |
 * | `unknown`   | 500 and anything else                                                | bounded job retries   |
 *
 * 401/403/404 are `retryable` on purpose: wrong credentials, a missing role or a deleted index
 * (with auto-creation off) are the operator's to fix, never the record's fault, so nothing may
 * be dead-lettered for them; the queue waits instead. For the same reason a 4xx that describes
 * the cluster rather than the document is an outage too: a closed index
 * (`index_closed_exception`), a write block (`cluster_block_exception`), a missing index, and an
 * alias with no write index (Elasticsearch says `illegal_argument_exception`, "no write index is
 * defined for alias"); every document would fail the same way until an operator acts. A 500 is kept apart from the overload
 * statuses because one odd document could otherwise stall the whole queue for ever.
 *
 * Reasons never carry document content: Elasticsearch's "Preview of field's value" is cut and
 * a `caused_by` contributes only its type.
 */
import { errors } from '@elastic/elasticsearch';
import { SyncError } from '@sync/runtime/errors';

export type EsErrorKind = 'retryable' | 'permanent' | 'conflict' | 'unknown';

export interface EsErrorClass {
  kind: EsErrorKind;
  /** HTTP status, when Elasticsearch answered. */
  status?: number;
  /** Elasticsearch's error type (`mapper_parsing_exception`, …) or the client error's name. */
  type: string;
  /** A one-line reason safe to log and store: no document content. */
  reason: string;
}

/** The shape of Elasticsearch's `error` objects (a subset of estypes.ErrorCause). */
export interface EsErrorCause {
  type?: string;
  reason?: string | null;
  caused_by?: EsErrorCause;
}

const retryableStatuses = new Set([401, 403, 404, 408, 429, 502, 503, 504]);

/** Error types that describe the cluster's state, whatever the status: outages, not bad documents. */
const clusterStateTypes = new Set([
  'index_closed_exception',
  'cluster_block_exception',
  'index_not_found_exception',
]);

/** True when the failure is the cluster's state (an index or alias to fix), not the document's. */
export function isClusterStateError(cause: EsErrorCause | undefined): boolean {
  if (!cause?.type) return false;
  if (clusterStateTypes.has(cause.type)) return true;
  return (
    cause.type === 'illegal_argument_exception' &&
    /^no write index is defined for alias/.test(cause.reason ?? '')
  );
}
const maxReason = 500;

/** Cuts the value previews Elasticsearch appends to parse errors, and bounds the length. */
export function safeReason(reason: string): string {
  const cut = reason.replace(/[.,;]?\s*Preview of field's value:[\s\S]*$/, '');
  return cut.length > maxReason ? `${cut.slice(0, maxReason)}…` : cut;
}

/** `type: reason (caused by type)`, without content. */
export function describeCause(
  cause: EsErrorCause | undefined,
  fallback = 'unknown_error',
): { type: string; reason: string } {
  const type = cause?.type ?? fallback;
  const base = safeReason(cause?.reason ?? type);
  const causedBy = cause?.caused_by?.type;
  return { type, reason: causedBy ? `${base} (caused by ${causedBy})` : base };
}

/** Classifies one HTTP status with its Elasticsearch error (a request's or a bulk item's). */
export function classifyStatus(status: number, cause?: EsErrorCause): EsErrorClass {
  const { type, reason } = describeCause(cause, `http_${status}`);
  if (status === 409) return { kind: 'conflict', status, type, reason };
  if (retryableStatuses.has(status) || isClusterStateError(cause))
    return { kind: 'retryable', status, type, reason };
  if (status >= 400 && status < 500) return { kind: 'permanent', status, type, reason };
  return { kind: 'unknown', status, type, reason };
}

function causeOf(body: unknown): EsErrorCause | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const { error } = body;
  if (typeof error === 'string') return { type: 'error', reason: error };
  return typeof error === 'object' && error !== null ? error : undefined;
}

/** Classifies an error thrown by the client (or by anything else on the way to it). */
export function classifyEsError(err: unknown): EsErrorClass {
  if (err instanceof errors.ResponseError) {
    const status = err.meta.statusCode ?? 0;
    return classifyStatus(status, causeOf(err.body) ?? { type: `http_${status}` });
  }
  if (
    err instanceof errors.ConnectionError ||
    err instanceof errors.TimeoutError ||
    err instanceof errors.NoLivingConnectionsError
  ) {
    return { kind: 'retryable', type: err.name, reason: safeReason(err.message) };
  }
  if (err instanceof EsError)
    return { kind: err.retryable ? 'retryable' : 'permanent', type: err.code, reason: err.message };
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'unknown', type: name, reason: safeReason(message) };
}

/** A failure talking to Elasticsearch, as a SyncError (UpstreamError in the style guide's terms). */
export class EsError extends SyncError {
  readonly status: number | undefined;
  readonly type: string;

  constructor(
    code: 'SYNC_ES_UNAVAILABLE' | 'SYNC_ES_REJECTED' | 'SYNC_ES_FAILED' | 'SYNC_ES_BAD_RESPONSE',
    message: string,
    options: { retryable: boolean; status?: number; type?: string; cause?: unknown },
  ) {
    super(code, message, { retryable: options.retryable, cause: options.cause });
    this.status = options.status;
    this.type = options.type ?? code;
  }
}

/** The SyncError for a classified failure: permanent ones are not retryable. */
export function toEsError(c: EsErrorClass, cause?: unknown): EsError {
  const code =
    c.kind === 'retryable'
      ? 'SYNC_ES_UNAVAILABLE'
      : c.kind === 'permanent'
        ? 'SYNC_ES_REJECTED'
        : 'SYNC_ES_FAILED';
  return new EsError(code, `${c.type}: ${c.reason}`, {
    retryable: c.kind !== 'permanent',
    ...(c.status !== undefined ? { status: c.status } : {}),
    type: c.type,
    cause,
  });
}
