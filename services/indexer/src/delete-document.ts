/**
 * Consumes `delete-document` on sync.index: writes the DID's tombstone first (Redis, kept for
 * good, only ever raised), then deletes through the micro-batcher with
 * `version_type: external_gte`. The tombstone comes first so that an index job running at the
 * same time either sees it or loses to the delete's version in Elasticsearch. A missing
 * document (404) is done; a 409 means a newer version was published after the deletion.
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
    await deps.tombstones.put(data.did, data.version);
    const bytes = data.did.length + deps.index.length + DELETE_LINE_BYTES;
    const result = await deps.submit(
      { action: 'delete', index: deps.index, id: data.did, version: data.version },
      bytes,
    );
    return settle(deps, job, target, result, log);
  };
}
