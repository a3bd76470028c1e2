/** The pipeline's queues, one per stage. */
export const QueueName = {
  discover: 'sync.discover',
  transform: 'sync.transform',
  index: 'sync.index',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** Job names: verbs, one processor each. */
export const JobName = {
  discoverRegistry: 'discover-registry',
  transformRecord: 'transform-record',
  indexDocument: 'index-document',
  deleteDocument: 'delete-document',
} as const;

export type JobName = (typeof JobName)[keyof typeof JobName];
