/**
 * What the API asks of the pipeline: a scan now (force sync) and the re-run of dead-lettered
 * records. Both are `discover-registry` jobs on sync.discover, which the discovery worker runs
 * one at a time. A force request's job id (`force-<uuid>`) is the handle the caller follows;
 * identical requests still waiting or running are merged (BullMQ deduplication) and share it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import { JobName, soulKey, type Producer } from '@sync/queues';
import type { Watermarks } from '@sync/state';

export type ScanScope = 'all' | 'type' | 'soul' | 'deletions';

export interface ScanRequest {
  scope: ScanScope;
  recordType?: string | undefined;
  soul?: string | undefined;
  /** Re-enqueue entries the watermarks say are unchanged. */
  ignoreWatermarks: boolean;
}

export type ScanState =
  | 'waiting'
  | 'prioritized'
  | 'delayed'
  | 'active'
  | 'completed'
  | 'failed'
  | 'waiting-children'
  | 'unknown';

/** What the discovery worker reports while it runs (`job.updateProgress`). */
export interface ScanProgress {
  discovered?: number;
  enqueued?: number;
  typesDone?: number;
  typesTotal?: number;
  currentType?: string;
}

/** The discovery worker's summary of a finished scan. */
export interface ScanResult {
  scope?: string;
  types?: number;
  discovered?: number;
  enqueued?: number;
  skipped?: Record<string, number>;
  deletions?: {
    listed: number;
    enqueued: number;
    rejected?: number;
    pending?: number;
    undeleted?: number;
  } | null;
  errors?: string[];
  durationMs?: number;
}

export interface ScanStatus {
  id: string;
  state: ScanState;
  request: ScanRequest & { requestedAt: string };
  attemptsMade: number;
  startedAt: number | null;
  finishedAt: number | null;
  progress: ScanProgress | null;
  result: ScanResult | null;
  failedReason: string | null;
}

export interface SyncControl {
  requestScan(request: ScanRequest): Promise<{ id: string; deduplicated: boolean }>;
  /** Undefined when no such force job exists (never did, or removed after a day). */
  scanStatus(id: string): Promise<ScanStatus | undefined>;
  /** Forgets each soul's watermark and enqueues a forced discovery of it; returns the job ids. */
  retrySouls(souls: readonly string[]): Promise<string[]>;
}

/** Handles are `force-` plus a UUID: nothing else on sync.discover can be read through the API. */
export const forceHandlePattern =
  '^force-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const chunkSize = 500;

function dedupIdOf(request: ScanRequest): string {
  const key = JSON.stringify([
    request.scope,
    request.recordType ?? '',
    request.soul ?? '',
    request.ignoreWatermarks,
  ]);
  return `force-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** Objects pass (the response schema keeps only the documented fields); anything else is null. */
const asObject = <T>(value: unknown): T | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as T) : null;

export interface SyncControlDeps {
  discover: Producer<'sync.discover'>;
  watermarks: Pick<Watermarks, 'reset'>;
  now?: () => Date;
}

export function createSyncControl({
  discover,
  watermarks,
  now = () => new Date(),
}: SyncControlDeps): SyncControl {
  return {
    async requestScan(request) {
      const id = `force-${randomUUID()}`;
      const job = await discover.add(
        JobName.discoverRegistry,
        {
          scope: request.scope,
          ...(request.recordType !== undefined ? { recordType: request.recordType } : {}),
          ...(request.soul !== undefined ? { soul: request.soul } : {}),
          force: request.ignoreWatermarks,
          requestedBy: 'api',
          requestedAt: now().toISOString(),
        },
        { jobId: id, deduplication: { id: dedupIdOf(request) } },
      );
      return { id: job.id, deduplicated: job.id !== id };
    },

    async scanStatus(id) {
      if (!new RegExp(forceHandlePattern).test(id)) return undefined;
      // State first, then the job: the data read is never older than the state it is shown
      // with (a job that completes in between shows "active" once, never "completed" without
      // its result).
      const state = await discover.queue.getJobState(id);
      const job = await Job.fromId(discover.queue, id);
      if (!job) return undefined;
      const data = job.data as {
        scope: ScanScope;
        recordType?: string;
        soul?: string;
        force?: boolean;
        requestedAt: string;
      };
      return {
        id,
        state,
        request: {
          scope: data.scope,
          recordType: data.recordType,
          soul: data.soul,
          ignoreWatermarks: data.force === true,
          requestedAt: data.requestedAt,
        },
        attemptsMade: job.attemptsMade,
        startedAt: job.processedOn ?? null,
        finishedAt: job.finishedOn ?? null,
        progress: asObject<ScanProgress>(job.progress),
        result: asObject<ScanResult>(job.returnvalue),
        failedReason: job.failedReason || null,
      };
    },

    async retrySouls(souls) {
      const ids: string[] = [];
      for (let i = 0; i < souls.length; i += chunkSize) {
        const chunk = souls.slice(i, i + chunkSize);
        await Promise.all(chunk.map((soul) => watermarks.reset(soul)));
        const requestedAt = now().toISOString();
        const added = await discover.addBulk(
          chunk.map((soul) => ({
            name: JobName.discoverRegistry,
            data: {
              scope: 'soul' as const,
              soul,
              force: true,
              requestedBy: 'api' as const,
              requestedAt,
            },
            // One pending retry per soul: a second request while the first waits is merged.
            opts: {
              jobId: `retry-${randomUUID()}`,
              deduplication: { id: `retry-${soulKey(soul)}` },
            },
          })),
        );
        ids.push(...added.map((job) => job.id));
      }
      return ids;
    },
  };
}
