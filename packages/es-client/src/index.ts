export { createEsClient, type EsClientConfig } from './create-es-client.js';
export {
  EsError,
  classifyEsError,
  classifyStatus,
  safeReason,
  toEsError,
  type EsErrorCause,
  type EsErrorClass,
  type EsErrorKind,
} from './classify-es-error.js';
export {
  ensureIndex,
  type ConcreteIndexState,
  type EnsureIndexOptions,
  type EnsureIndexResult,
} from './ensure-index.js';
export {
  bulkWrite,
  toBulkOperations,
  type BulkOp,
  type BulkResult,
  type BulkWriteOptions,
} from './bulk-write.js';
export {
  MANAGED_BY,
  RECORDS_MAPPING_VERSION,
  recordsIndexTemplate,
  recordsMappings,
  recordsTemplateName,
} from './records-template.js';
