/** Why a record cannot be parsed. */
export type RecordRejectionReason =
  /** Not an OIP 0.8 record (spec §4 `isValidOIPRecord`), or malformed beyond use. Permanent. */
  | 'invalid-record'
  /** A linked node (data, oip, meta child) is missing from the graph: a partial GUN read. Retry later. */
  | 'incomplete-record'
  /** Larger than the configured limit (GUN_MAX_RECORD_BYTES). */
  | 'too-large';

export interface Rejection<R extends string = RecordRejectionReason> {
  ok: false;
  reason: R;
  detail: string;
}

export type RecordResult<T> = { ok: true; record: T } | Rejection;

/** Thrown inside parsing and caught at its entry points only; never escapes the package. */
export class RejectRecord extends Error {
  constructor(
    readonly reason: RecordRejectionReason,
    readonly detail: string,
  ) {
    super(detail);
  }

  toResult(): Rejection {
    return { ok: false, reason: this.reason, detail: this.detail };
  }
}
