import { SyncError } from '@sync/runtime/errors';

/** A keyring setting that cannot be used; thrown at start-up. Never carries key material. */
export class KeyringError extends SyncError {
  constructor(message: string) {
    super('SYNC_KEYRING_INVALID', message, { retryable: false });
  }
}

/** A sealed payload that does not open: wrong key, tampered or not a sealed payload at all. */
export class SealError extends SyncError {
  constructor(message: string, cause?: unknown) {
    super('SYNC_SEAL_INVALID', message, { retryable: false, cause });
  }
}
