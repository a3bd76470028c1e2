/**
 * Every queue of the pipeline in one place: payload schema, default job options and the id
 * rules. Producers validate against these before adding; processors parse before acting.
 * Payloads carry references (soul, version), never record content in clear: the indexer's
 * document travels sealed (AES-256-GCM with the service key).
 */
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { JobName, QueueName } from './names.js';

const soul = z.string().min(1).max(1024);
const version = z.number().int().nonnegative();

/**
 * The W3C trace context of the span that enqueued the job (ids only): the job's processing
 * continues that trace (see @sync/tracing). Absent while tracing is off.
 */
export const TraceCarrier = z.object({
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/),
  tracestate: z.string().max(512).optional(),
});
const trace = TraceCarrier.optional();

export const DiscoverJob = z.object({
  /** all: every type and the deletion registry; type: one record type; soul: one record; deletions: only the deletion registry. */
  scope: z.enum(['all', 'type', 'soul', 'deletions']),
  recordType: z.string().min(1).max(128).optional(),
  soul: soul.optional(),
  /** Ignore the per-soul watermarks (re-enqueue unchanged entries). */
  force: z.boolean().default(false),
  requestedBy: z.enum(['scheduler', 'api', 'cli', 'startup']),
  requestedAt: z.iso.datetime(),
});
export type DiscoverJob = z.infer<typeof DiscoverJob>;

export const TransformRecordJob = z.object({
  soul,
  recordType: z.string().min(1).max(128).optional(),
  /** Node id of the registering node, as the registry says ('unknown' when it does not). */
  nodeId: z.string().min(1).max(128).default('unknown'),
  /** Registry timestamp (ms) of the entry that triggered this job: the change marker. */
  registryTimestamp: version.optional(),
  /** recheck: an unchanged entry read again after GUN_SYNC_RECHECK_MS (an edit whose registration failed). */
  trigger: z.enum(['scan', 'live', 'force', 'recheck']),
  discoveredAt: z.iso.datetime(),
  trace,
});
export type TransformRecordJob = z.infer<typeof TransformRecordJob>;

export const IndexDocumentJob = z.object({
  did: z.string().min(1).max(1100),
  soul,
  version,
  /** The Elasticsearch document, sealed with the service key (see @sync/crypto seal). */
  sealed: z.string().min(1),
  /** Size of the plain document, for batching by bytes without opening it. */
  bytes: z.number().int().positive(),
  trace,
});
export type IndexDocumentJob = z.infer<typeof IndexDocumentJob>;

/**
 * The associated data `sealed` is sealed with: the soul and the version the indexer takes from
 * the clear job data, so a payload opens only for the (soul, version) it was made for.
 */
export function sealContext(job: Pick<IndexDocumentJob, 'soul' | 'version'>): string {
  return JSON.stringify([job.soul, job.version]);
}

export const DeleteDocumentJob = z.object({
  did: z.string().min(1).max(1100),
  soul,
  /** Deletion time (ms): the tombstone's version. */
  version,
  deletedBy: z.string().max(256).optional(),
  trace,
});
export type DeleteDocumentJob = z.infer<typeof DeleteDocumentJob>;

const day = 24 * 3600;

/** Exponential backoff with jitter (BullMQ built-in): 1 s, 2 s, 4 s, … ± 50 %. */
const backoff = { type: 'exponential', delay: 1_000, jitter: 0.5 } as const;

export const queueCatalog = {
  [QueueName.discover]: {
    jobs: { [JobName.discoverRegistry]: DiscoverJob },
    defaults: {
      attempts: 3,
      backoff,
      removeOnComplete: { age: day, count: 1_000 },
      removeOnFail: { age: 7 * day },
    } satisfies JobsOptions,
  },
  [QueueName.transform]: {
    jobs: { [JobName.transformRecord]: TransformRecordJob },
    defaults: {
      attempts: 8,
      backoff,
      removeOnComplete: true,
      removeOnFail: { age: 7 * day },
    } satisfies JobsOptions,
  },
  [QueueName.index]: {
    jobs: {
      [JobName.indexDocument]: IndexDocumentJob,
      [JobName.deleteDocument]: DeleteDocumentJob,
    },
    defaults: {
      attempts: 10,
      backoff,
      // The payload is sealed, but it is still record content: never keep it longer than needed.
      removeOnComplete: true,
      removeOnFail: { age: day },
    } satisfies JobsOptions,
  },
} as const;

export type QueueCatalog = typeof queueCatalog;
