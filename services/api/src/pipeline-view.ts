/**
 * What BullMQ knows about the pipeline's queues: job counts per state, connected workers and
 * the creation time of the oldest waiting job (for lag). Read-only; used by the health route,
 * /metrics and nothing else.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueName } from '@sync/queues';

export const jobStates = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'waiting-children',
  'failed',
  'completed',
] as const;
export type JobState = (typeof jobStates)[number];

export interface QueueState {
  name: string;
  counts: Record<JobState, number>;
  paused: boolean;
  /** Connected workers; null when Redis refuses CLIENT LIST (some managed Redis services do). */
  workers: number | null;
  /** Creation time (ms) of the oldest waiting job; null when none waits. */
  oldestWaitingAt: number | null;
  /** What is left of the queue's rate-limit pause (Queue#rateLimit), in ms; 0 when none holds. */
  rateLimitMs: number;
}

export interface PipelineView {
  read(): Promise<QueueState[]>;
}

/** The queues whose backlog the health rule watches: records on their way into Elasticsearch. */
export const recordQueues: readonly string[] = [QueueName.transform, QueueName.index];

async function oldestWaitingAt(queue: Queue, redis: Redis): Promise<number | null> {
  // getRanges(…, asc = true) lists the wait list oldest first; only the id is read, not the payload.
  const [id] = await queue.getRanges(['waiting'], 0, 0, true);
  if (id === undefined) return null;
  const timestamp = await redis.hget(queue.toKey(id), 'timestamp');
  return timestamp === null ? null : Number(timestamp);
}

async function workersOf(queue: Queue): Promise<number | null> {
  try {
    return await queue.getWorkersCount();
  } catch {
    return null;
  }
}

export function createPipelineView(queues: readonly Queue[], redis: Redis): PipelineView {
  return {
    read() {
      return Promise.all(
        queues.map(async (queue): Promise<QueueState> => {
          const [counts, paused, workers, oldest, rateLimitTtl] = await Promise.all([
            queue.getJobCounts(...jobStates),
            queue.isPaused(),
            workersOf(queue),
            oldestWaitingAt(queue, redis),
            queue.getRateLimitTtl(),
          ]);
          return {
            name: queue.name,
            counts: Object.fromEntries(jobStates.map((s) => [s, counts[s] ?? 0])) as Record<
              JobState,
              number
            >,
            paused,
            workers,
            oldestWaitingAt: oldest,
            // PTTL: -2 without a limiter key, -1 without an expiry (BullMQ always sets one).
            rateLimitMs: Math.max(0, rateLimitTtl),
          };
        }),
      );
    },
  };
}

/** Pending jobs (waiting, prioritized, active) of the record queues and the age of the oldest waiting one. */
export function toBacklog(
  states: readonly QueueState[],
  now: number,
): { backlog: number; lagMs: number | null } {
  let backlog = 0;
  let oldest: number | null = null;
  for (const state of states) {
    if (!recordQueues.includes(state.name)) continue;
    backlog += state.counts.waiting + state.counts.prioritized + state.counts.active;
    if (state.oldestWaitingAt !== null)
      oldest = oldest === null ? state.oldestWaitingAt : Math.min(oldest, state.oldestWaitingAt);
  }
  return { backlog, lagMs: oldest === null ? null : Math.max(0, now - oldest) };
}

/** Age of each queue's oldest waiting job in ms (0 when none waits). */
export function lagOf(state: QueueState, now: number): number {
  return state.oldestWaitingAt === null ? 0 : Math.max(0, now - state.oldestWaitingAt);
}
