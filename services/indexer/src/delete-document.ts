/**
 * Consumes `delete-document` on sync.index: deletes through the micro-batcher with
 * `version_type: external_gte` (the version is the deletion's `deletedAt`), and writes the
 * DID's tombstone (Redis, only ever raised) once Elasticsearch has answered for the delete:
 * - deleted, or nothing to delete (404): done, tombstoned;
 * - 409: a version newer than the deletion is indexed (a republish): done, tombstoned too,
 *   which keeps older versions out and lets the newer one stand;
 * - a failure (retried, throttled, dead-lettered): no tombstone, so a delete that never
 *   happened is not final: the job retries, and once it has given up discovery enqueues the
 *   deletion again on its next scan (it re-enqueues every listed deletion without a tombstone
 *   as new as its version).
 * An index job for an older version running at the same time either lands before the delete
 * (and is deleted) or after it, where Elasticsearch still holds the delete's version for
 * `index.gc_deletes` (60 s, far longer than the step from its answer to the tombstone) and
 * answers 409.
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
