/**
 * The Elasticsearch document of a synced record, as OIP's `convertGunRecordForElasticsearch` +
 * `processRecordForElasticsearch` build it (spec §6, vectors records.json): `data` and `oip`
 * only (`meta` dropped), `oip.did` = `oip.didTx` = `did:gun:<soul>`, `oip.storage: "gun"`,
 * creator normalised, arrays restored under `data`, and for decrypted records `wasEncrypted`,
 * `syncedFromNode`, `syncedAt`. What gun-sync itself adds goes under `oip.sync` only.
 * Throws RejectRecord (`invalid-record`) when arrays restored from strings nest deeper than
 * `maxDepth`; makeTransformRecord turns that into a rejection.
 */
import type { SignatureOutcome } from '@sync/crypto';
import { restoreArrays } from './array-codec.js';
import type { JsonObject } from './json.js';
import type { PlainRecord } from './oip-record.js';
import { recordVersion, type VersionSource } from './record-version.js';

export const DEFAULT_INDEX = 'records';

/** gun-sync's bookkeeping inside `oip.sync`. */
export interface SyncBookkeeping {
  soul: string;
  version: number;
  versionSource: VersionSource;
  syncedAt: string;
  sourceNodeId: string;
  signature?: SignatureOutcome;
}

export interface ElasticsearchDocument {
  _id: string;
  _index: string;
  /** For last-writer-wins (`version_type: external`). */
  version: number;
  _source: {
    data: JsonObject;
    oip: {
      did: string;
      didTx: string;
      storage: 'gun';
      sync: SyncBookkeeping;
      [key: string]: unknown;
    };
  };
}

export interface ToDocumentOptions {
  /** Injected clock: when this node synced the record. */
  syncedAt: Date;
  /** ELASTICSEARCH_INDEX; default `records`. */
  index?: string;
  /** Registry node the record came from; default the graph's registry entry, else `unknown` (as OIP). */
  sourceNodeId?: string;
  /** The creator-signature outcome, recorded in `oip.sync`. */
  signature?: SignatureOutcome;
  /** Deepest nesting of the restored `data` (the parse limit); default DEFAULT_MAX_DEPTH. */
  maxDepth?: number;
}

export function toElasticsearchDocument(
  record: PlainRecord,
  options: ToDocumentOptions,
): ElasticsearchDocument {
  const { version, source } = recordVersion(record);
  const syncedAt = options.syncedAt.toISOString();
  const sourceNodeId = options.sourceNodeId ?? record.registry?.nodeId ?? 'unknown';
  const sync: SyncBookkeeping = {
    soul: record.soul,
    version,
    versionSource: source,
    syncedAt,
    sourceNodeId,
  };
  if (options.signature) sync.signature = options.signature;
  const oip = {
    ...structuredClone(record.oip),
    did: record.did,
    didTx: record.did,
    storage: 'gun' as const,
    ...(record.wasEncrypted ? { wasEncrypted: true, syncedFromNode: sourceNodeId, syncedAt } : {}),
    sync,
  };
  return {
    _id: record.did,
    _index: options.index ?? DEFAULT_INDEX,
    version,
    _source: { data: restoreArrays(record.data, options.maxDepth) as JsonObject, oip },
  };
}
