/**
 * Opens the sealed Elasticsearch document an index-document job carries. The transform stage
 * seals `{ _id, _index?, version?, _source }` with `seal(document, SYNC_SEAL_KEY,
 * sealContext({ soul, version }))`: the soul and the version are the associated data, so a
 * payload cannot be moved to another job or version, and `_id` must be the job's DID. A
 * payload sealed as a JSON string (instead of an object) is accepted too.
 */
import { z } from 'zod';
import { open } from '@sync/crypto';
import { sealContext, type IndexDocumentJob } from '@sync/queues';
import { SyncError } from '@sync/runtime/errors';

export class DocumentError extends SyncError {
  constructor(message: string, cause?: unknown) {
    super('SYNC_DOCUMENT_INVALID', message, { retryable: false, cause });
  }
}

const SealedDocument = z.object({
  _id: z.string().min(1),
  _index: z.string().optional(),
  version: z.number().optional(),
  _source: z.record(z.string(), z.unknown()),
});

export { sealContext };

/** A decrypted record's document: Elasticsearch's rejection details would name its fields. */
export function isPrivateDocument(source: Record<string, unknown>): boolean {
  const oip = source.oip;
  return (
    typeof oip === 'object' &&
    oip !== null &&
    (oip as { wasEncrypted?: unknown }).wasEncrypted === true
  );
}

/**
 * The document's `_source`.
 * @throws SealError when the payload does not open (wrong key or context, altered).
 * @throws DocumentError when it opens but is not a document for this job's DID.
 */
export function openDocument(
  job: Pick<IndexDocumentJob, 'did' | 'soul' | 'version' | 'sealed'>,
  key: Buffer,
): Record<string, unknown> {
  let value = open(job.sealed, key, sealContext(job));
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (err) {
      throw new DocumentError('sealed document is a string but not JSON', err);
    }
  }
  const parsed = SealedDocument.safeParse(value);
  if (!parsed.success) {
    // Paths and messages only: never the values.
    throw new DocumentError(
      `sealed document invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  if (parsed.data._id !== job.did)
    throw new DocumentError("sealed document's _id is not the job's DID");
  if (parsed.data.version !== undefined && parsed.data.version !== job.version)
    throw new DocumentError("sealed document's version is not the job's version");
  return parsed.data._source;
}
