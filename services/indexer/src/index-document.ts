/**
 * Consumes `index-document` on sync.index: skips the version when a tombstone at least as new
 * exists (a late older version must not bring a deleted record back, also long after
 * Elasticsearch forgot the delete), opens the sealed document and indexes it through the
 * micro-batcher with `version_type: external_gte`. Idempotent per (DID, version): a replay
 * rewrites the same document or gets 409 when a newer one is there.
 *
 * A 409 while no document is there is a newer delete Elasticsearch still remembers (for
 * `index.gc_deletes`, 60 s): a tombstone covering the version makes it done (deleted after
 * it); without one the deletion was undone (un-delete, spec §5) and the record must come back,
 * so the job is retried with backoff until Elasticsearch has forgotten the delete (the last
 * attempt dead-letters it as `es-failed`, visible and retryable).
 */
import type { IndexDocumentJob, ProcessorContext } from '@sync/queues';
import { SyncError } from '@sync/runtime/errors';
import { isPrivateDocument, openDocument } from './open-document.js';
import {
  deadLetter,
  resolveDeadLetter,
  settle,
  type IndexJobResult,
  type JobDeps,
  type Target,
} from './settle.js';

/** Bytes of a `_bulk` action line around the document. */
export const ACTION_LINE_BYTES = 160;

export function makeIndexDocument(deps: JobDeps) {
  return async function indexDocument(
    data: IndexDocumentJob,
    { job, log }: ProcessorContext,
  ): Promise<IndexJobResult> {
    const target: Target = {
      action: 'index',
      did: data.did,
      soul: data.soul,
      version: data.version,
    };
    /** True (and the job done) when a deletion at or after this version holds it back. */
    const tombstoned = async (): Promise<boolean> => {
      const tombstone = await deps.tombstones.get(data.did);
      if (tombstone === undefined || tombstone < data.version) return false;
      // This version is accounted for (deleted after it); a failed delete's own entry, at the
      // tombstone's version, stays: the document may still be in Elasticsearch.
      await resolveDeadLetter(deps, target);
      await deps.stats.count('skipped');
      deps.metrics.documents.inc({ outcome: 'tombstoned' });
      log.debug(
        { did: data.did, version: data.version, tombstone },
        'deleted at or after this version, skipped',
      );
      return true;
    };
    if (await tombstoned()) return { outcome: 'tombstoned' };

    let document: Record<string, unknown>;
    try {
      document = openDocument(data, deps.sealKey);
    } catch (err) {
      const code = err instanceof SyncError ? err.code : 'SYNC_DOCUMENT_INVALID';
      const detail = `${code}: ${err instanceof Error ? err.message : String(err)}`;
      throw await deadLetter(deps, target, 'unreadable-document', detail, 'unreadable', log);
    }
    if (isPrivateDocument(document)) target.private = true;

    const bytes = data.bytes + data.did.length + deps.index.length + ACTION_LINE_BYTES;
    const result = await deps.submit(
      { action: 'index', index: deps.index, id: data.did, version: data.version, document },
      bytes,
    );
    if (result.outcome === 'conflict' && !(await deps.isIndexed(data.did))) {
      if (await tombstoned()) return { outcome: 'tombstoned' };
      return settle(
        deps,
        job,
        target,
        {
          outcome: 'retry',
          throttle: false,
          type: 'undeleted-version-conflict',
          reason: 'Elasticsearch still remembers a newer delete of this un-deleted record',
        },
        log,
      );
    }
    return settle(deps, job, target, result, log);
  };
}
