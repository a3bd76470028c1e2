/**
 * Failures of the GUN access layer. A relay or peer that does not answer, answers late or
 * answers with a server error is an UpstreamError (retryable); a write GUN refuses, or a
 * payload we would never send, is not.
 */
import { SyncError } from '@sync/runtime/errors';

export class UpstreamError extends SyncError {
  /** The peer (relay URL) that failed, when known. */
  readonly peer: string | undefined;

  constructor(
    code:
      | 'SYNC_GUN_TIMEOUT'
      | 'SYNC_GUN_UNAVAILABLE'
      | 'SYNC_GUN_BAD_RESPONSE'
      | 'SYNC_GUN_TOO_LARGE'
      | 'SYNC_GUN_PARTIAL',
    message: string,
    options: { peer?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, { retryable: options.retryable ?? true, cause: options.cause });
    this.peer = options.peer;
  }
}

/** A node over GUN_MAX_NODE_BYTES: skipped, never read in part. */
export const isTooLarge = (err: unknown): boolean =>
  err instanceof UpstreamError && err.code === 'SYNC_GUN_TOO_LARGE';

/** A write that GUN or the relay refused, or that did not read back. */
export class GunWriteError extends SyncError {
  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super('SYNC_GUN_WRITE_FAILED', message, {
      retryable: options.retryable ?? true,
      cause: options.cause,
    });
  }
}

/** A payload GUN cannot store (array, empty object, null at a root, ...). Never retryable. */
export class InvalidPutError extends SyncError {
  constructor(message: string) {
    super('SYNC_GUN_INVALID_PUT', message, { retryable: false });
  }
}
