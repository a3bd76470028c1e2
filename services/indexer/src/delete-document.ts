/**
 * Consumes `delete-document` on sync.index: deletes through the micro-batcher with
 * `version_type: external_gte` (the version is the deletion's `deletedAt`). The DID's
 * tombstone (Redis, only ever raised) is written in two steps:
 * - pending, before the delete is sent: an index job of an older version running at the same
 *   time sees it and skips, whatever Elasticsearch's `index.gc_deletes`;
 * - confirmed, once Elasticsearch answered deleted, nothing to delete (404) or 409 (a version
 *   newer than the deletion is indexed, a republish: it stands, older ones stay out).
 * A delete that failed (retried, throttled, dead-lettered) leaves no confirmed tombstone, so it
 * is not final: the job retries, and once it has given up discovery enqueues the deletion
 * again on its next scan (it re-enqueues every listed deletion without a confirmed tombstone
 * as new as its version).
 */
import type { DeleteDocumentJob, ProcessorContext } from '@sync/queues';
import { settle, type IndexJobResult, type JobDeps, type Target } from './settle.js';

export const DELETE_LINE_BYTES = 160;

export function makeDeleteDocument(deps: JobDeps) {
  return async function deleteDocument(
    data: DeleteDocumentJob,
    { job, log }: ProcessorContext,
  ): Promise<IndexJobResult> {
    const target: Target = {
      action: 'delete',
      did: data.did,
      soul: data.soul,
      version: data.version,
    };
    await deps.tombstones.markPending(data.did, data.version);
    const bytes = data.did.length + deps.index.length + DELETE_LINE_BYTES;
    const result = await deps.submit(
      { action: 'delete', index: deps.index, id: data.did, version: data.version },
      bytes,
    );
    if (result.outcome === 'ok' || result.outcome === 'conflict')
      await deps.tombstones.put(data.did, data.version);
    return settle(deps, job, target, result, log);
  };
}
