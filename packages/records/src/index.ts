export { RecordGraph, RegistryEntry } from './record-graph.js';
export type { RecordRejectionReason, RecordResult, Rejection } from './rejection.js';
export {
  OipCreator,
  OipHeader,
  type EncryptedRecord,
  type OipRecord,
  type PlainRecord,
} from './oip-record.js';
export { toOipRecord, withDecryptedData, type ParseOptions } from './to-oip-record.js';
export { recordVersion, type VersionSource } from './record-version.js';
export {
  toElasticsearchDocument,
  DEFAULT_INDEX,
  type ElasticsearchDocument,
  type SyncBookkeeping,
  type ToDocumentOptions,
} from './to-elasticsearch-document.js';
export {
  makeTransformRecord,
  maxAcceptedVersion,
  publisherHash,
  skipReasons,
  type SkipReason,
  type TransformContext,
  type TransformRecord,
  type TransformRecordDeps,
  type TransformResult,
} from './transform-record.js';
export { encodeArrays, restoreArrays, toStoredDataString } from './array-codec.js';
export type { JsonObject, JsonValue } from './json.js';
