/**
 * One record through the whole pure pipeline: parse the graph → decrypt (if encrypted) →
 * check the creator signature per policy → build the Elasticsearch document. Every way a
 * record can be skipped is a reason, never an exception; the caller counts reasons and seals
 * the document before it goes anywhere near Redis.
 */
import {
  checkSignature,
  type Decrypt,
  type DecryptFailureReason,
  type DecryptMode,
  type SignatureOutcome,
  type SignaturePolicy,
} from '@sync/crypto';
import type { PlainRecord } from './oip-record.js';
import type { RecordGraph } from './record-graph.js';
import { RejectRecord, type RecordRejectionReason } from './rejection.js';
import {
  toElasticsearchDocument,
  type ElasticsearchDocument,
} from './to-elasticsearch-document.js';
import { toOipRecord, withDecryptedData, type ParseOptions } from './to-oip-record.js';

export type SkipReason = RecordRejectionReason | DecryptFailureReason | 'bad-signature';

export const skipReasons: readonly SkipReason[] = [
  'invalid-record',
  'incomplete-record',
  'too-large',
  'decrypt-failed',
  'needs-user-key',
  'needs-organization-key',
  'unsupported-envelope',
  'private-sync-disabled',
  'foreign-decrypt-disabled',
  'bad-signature',
];

export interface TransformRecordDeps extends ParseOptions {
  /** From `makeDecrypt` of `@sync/crypto`, built once with the keyring. */
  decrypt: Decrypt;
  /** GUN_SYNC_VERIFY_SIGNATURES */
  signaturePolicy: SignaturePolicy;
  /** ELASTICSEARCH_INDEX */
  index?: string;
}

export interface TransformContext {
  /** Injected clock. */
  syncedAt: Date;
  /** Published by another node: GUN_DECRYPT_FOREIGN_RECORDS applies. */
  foreign: boolean;
}

export type TransformResult =
  | {
      ok: true;
      document: ElasticsearchDocument;
      signature: SignatureOutcome;
      /** Present when the record was decrypted: how, and with which key (never secret). */
      decrypted?: { mode: DecryptMode; keyId: string };
    }
  | { ok: false; reason: SkipReason; detail: string };

export type TransformRecord = (
  graph: RecordGraph,
  context: TransformContext,
) => Promise<TransformResult>;

export function makeTransformRecord(deps: TransformRecordDeps): TransformRecord {
  return async function transformRecord(graph, { syncedAt, foreign }) {
    const parsed = toOipRecord(graph, deps);
    if (!parsed.ok) return parsed;
    let record: PlainRecord;
    let decrypted: { mode: DecryptMode; keyId: string } | undefined;
    if (parsed.record.encrypted) {
      const result = await deps.decrypt({
        data: parsed.record.payload,
        meta: parsed.record.meta,
        foreign,
      });
      if (!result.ok) return result;
      const plain = withDecryptedData(parsed.record, result.dataString, deps);
      if (!plain.ok) return plain;
      record = plain.record;
      decrypted = { mode: result.mode, keyId: result.keyId };
    } else {
      record = parsed.record;
    }

    const signed = {
      data: record.dataString ?? JSON.stringify(record.data),
      signature: typeof record.oip.signature === 'string' ? record.oip.signature : undefined,
      publicKey: record.oip.creator.publicKey,
    };
    const signature = await checkSignature(signed, deps.signaturePolicy);
    if (!signature.accepted)
      return {
        ok: false,
        reason: 'bad-signature',
        detail: `creator signature ${signature.outcome}`,
      };

    let document: ElasticsearchDocument;
    try {
      document = toElasticsearchDocument(record, {
        syncedAt,
        index: deps.index,
        signature: signature.outcome,
        ...(deps.maxDepth !== undefined ? { maxDepth: deps.maxDepth } : {}),
      });
    } catch (err) {
      if (err instanceof RejectRecord) return err.toResult();
      throw err;
    }
    return {
      ok: true,
      document,
      signature: signature.outcome,
      ...(decrypted ? { decrypted } : {}),
    };
  };
}
