export { QueueName, JobName } from './names.js';
export {
  DeleteDocumentJob,
  DiscoverJob,
  IndexDocumentJob,
  TraceCarrier,
  TransformRecordJob,
  queueCatalog,
  sealContext,
  type QueueCatalog,
} from './catalog.js';
export { dedupIdFor, jobIdFor, soulKey } from './job-ids.js';
export { connectRedis, createRedisConnection, type ConnectionRole } from './connection.js';
export { closeWorker, type CloseWorkerOptions } from './close-worker.js';
export { finalFailure, type FinalFailureReason } from './final-failure.js';
export { createProducer, type Producer, type ProducerOptions } from './producer.js';
export {
  assertHandlers,
  defineProcessor,
  toJobError,
  type Handler,
  type ProcessorContext,
} from './processor.js';
