/** Why a reconciliation could not run: one line, never a partial report. */
import { SyncError } from '@sync/runtime/errors';

export class ReconcileError extends SyncError {
  /** `bad-input`: the request names something that does not exist (an unknown type). */
  readonly kind: 'bad-input' | 'unavailable';

  constructor(message: string, cause?: unknown, kind: 'bad-input' | 'unavailable' = 'unavailable') {
    super('SYNC_RECONCILE_FAILED', message, cause === undefined ? {} : { cause });
    this.kind = kind;
  }
}

/** One line for an error from a client library, without stack or payload. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const line = (err.message || (typeof code === 'string' ? code : err.name)).split('\n')[0] ?? '';
    const causeCode = (err.cause as { code?: unknown } | undefined)?.code;
    return typeof causeCode === 'string' && !line.includes(causeCode)
      ? `${line}: ${causeCode}`
      : line;
  }
  return String(err);
}
