/**
 * One record through the whole pure pipeline: parse the graph → cap the version → decrypt (if
 * encrypted) → check the creator signature per policy → build the Elasticsearch document.
 * Every way a record can be skipped is a reason, never an exception; the caller counts reasons
 * and seals the document before it goes anywhere near Redis.
 *
 * The version (`oip.indexedAt`, else `meta.created`, else the registry time) is not covered by
 * the signature and anyone can write to a GUN soul: a version later than now + the allowed
 * clock skew would win every last-writer-wins comparison for good, so it is `future-version`.
 * Under `enforce` the soul's prefix must also be the signing key's hash (spec §2.2), so a
 * validly signed record cannot be replayed under another publisher's souls.
 */
import { createHash } from 'node:crypto';
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
import { recordVersion } from './record-version.js';
import { RejectRecord, type RecordRejectionReason } from './rejection.js';
import {
  toElasticsearchDocument,
  type ElasticsearchDocument,
} from './to-elasticsearch-document.js';
import { toOipRecord, withDecryptedData, type ParseOptions } from './to-oip-record.js';

export type SkipReason =
  RecordRejectionReason | DecryptFailureReason | 'bad-signature' | 'future-version';

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
  'future-version',
];

export interface TransformRecordDeps extends ParseOptions {
  /** From `makeDecrypt` of `@sync/crypto`, built once with the keyring. */
  decrypt: Decrypt;
  /** GUN_SYNC_VERIFY_SIGNATURES */
  signaturePolicy: SignaturePolicy;
  /** ELASTICSEARCH_INDEX */
  index?: string;
  /** GUN_SYNC_MAX_CLOCK_SKEW_MS: how far past now a version may be. */
  maxClockSkewMs: number;
}

/** `pubKeyHash` of spec §2.2: the first 12 hex of SHA-256 over the UTF-8 public key string. */
export function publisherHash(publicKey: string): string {
  return createHash('sha256').update(publicKey, 'utf8').digest('hex').slice(0, 12);
}

/** The largest version accepted at `now` (ms). */
export function maxAcceptedVersion(now: Date, maxClockSkewMs: number): number {
  return now.getTime() + maxClockSkewMs;
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
    const { version, source } = recordVersion(parsed.record);
    if (version > maxAcceptedVersion(syncedAt, deps.maxClockSkewMs))
      return {
        ok: false,
        reason: 'future-version',
        detail: `version from ${source} is ${version - syncedAt.getTime()} ms ahead of this node's clock (allowed ${deps.maxClockSkewMs})`,
      };
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

    if (deps.signaturePolicy === 'enforce') {
      const prefix = record.soul.split(':', 1)[0];
      if (prefix !== publisherHash(record.oip.creator.publicKey))
        return {
          ok: false,
          reason: 'bad-signature',
          detail: 'soul prefix is not the hash of the signing key',
        };
    }

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
