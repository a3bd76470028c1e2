/**
 * Base of every error this project throws on purpose: a stable machine-readable `code`,
 * whether a retry can help, and the standard `cause`.
 */
export class SyncError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** True when `err` is a SyncError that says a retry may succeed; unknown errors count as retryable. */
export function isRetryable(err: unknown): boolean {
  return err instanceof SyncError ? err.retryable : true;
}
