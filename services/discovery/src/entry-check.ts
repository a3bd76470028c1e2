/**
 * Anyone can write to a registry soul, so registry values are checked against the queue
 * schemas before they become jobs: an entry or a deletion mark no job can carry is skipped
 * under a named reason, never passed to addBulk (where one bad value would fail the whole
 * scan). The limits are the catalog's own, not a copy of them.
 */
import type { IndexEntry } from '@sync/gun-client';
import { DeleteDocumentJob, TransformRecordJob } from '@sync/queues';

export const invalidEntryReasons = [
  'bad-soul',
  'bad-node-id',
  'bad-timestamp',
  'bad-record-type',
] as const;
export type InvalidEntryReason = (typeof invalidEntryReasons)[number];

export type InvalidCounts = Record<InvalidEntryReason, number>;

export const noInvalid = (): InvalidCounts => ({
  'bad-soul': 0,
  'bad-node-id': 0,
  'bad-timestamp': 0,
  'bad-record-type': 0,
});

const job = TransformRecordJob.shape;

/** Why a transform job could not carry this entry, or null when it can. */
export function checkEntry(entry: IndexEntry): InvalidEntryReason | null {
  if (!job.soul.safeParse(entry.soul).success) return 'bad-soul';
  if (entry.nodeId !== null && !job.nodeId.safeParse(entry.nodeId).success) return 'bad-node-id';
  if (entry.timestamp !== null && !job.registryTimestamp.safeParse(entry.timestamp).success)
    return 'bad-timestamp';
  if (!job.recordType.safeParse(entry.recordType).success) return 'bad-record-type';
  return null;
}

/** The entries a transform job can carry; the others counted by reason into `invalid`. */
export function validEntries(entries: readonly IndexEntry[], invalid: InvalidCounts): IndexEntry[] {
  return entries.filter((entry) => {
    const reason = checkEntry(entry);
    if (reason) invalid[reason] += 1;
    return reason === null;
  });
}

/** Whether a delete job can carry this DID and the soul taken from it. */
export function isValidDeletion(did: string, soul: string): boolean {
  return (
    DeleteDocumentJob.shape.did.safeParse(did).success &&
    DeleteDocumentJob.shape.soul.safeParse(soul).success
  );
}
