import { SyncError } from '@sync/runtime/errors';

/** Thrown at start-up when environment variables are missing or malformed; one line per variable. */
export class ConfigError extends SyncError {
  readonly lines: readonly string[];

  constructor(lines: readonly string[]) {
    super('SYNC_CONFIG_INVALID', `invalid configuration:\n${lines.join('\n')}`, {
      retryable: false,
    });
    this.lines = lines;
  }
}
