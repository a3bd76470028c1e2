/**
 * What a job does with its operation's bulk result, shared by index and delete:
 * - ok: raise the soul's indexed watermark, count synced/deleted, observe the record's
 *   freshness (publish time to indexed, also kept in Redis for the status page);
 * - conflict (409): an equal or newer version is already there; done, counted as skipped;
 *   both resolve the soul's index-stage dead letter of this version or an older one, which a
 *   retry left in place until now;
 * - rejected (400, mapping): dead-letter with Elasticsearch's type and reason (never the
 *   document), then UnrecoverableError so no attempt is wasted;
 * - retry with throttle: the queue is already paused (send-bulk), the job goes back to wait
 *   through BullMQ's RateLimitError, which spends no attempt: an outage of any length loses
 *   nothing, and the exponential, jittered pause keeps every replica slow while it lasts;
 * - retry without throttle (500, odd responses): a plain retryable error, so the catalog's
 *   exponential backoff and attempt limit apply; the last attempt dead-letters the record, so
 *   one odd document can neither stall the queue nor retry for ever.
 */
import { RateLimitError, UnrecoverableError, type Job } from 'bullmq';
import { toEsError, type BulkOp, type BulkResult } from '@sync/es-client';
import type { Logger } from '@sync/logging';
import type { DeadLetters, Stats, Tombstones, Watermarks } from '@sync/state';
import type { IndexerMetrics } from './metrics.js';

export interface JobDeps {
  index: string;
  sealKey: Buffer;
  /** Hands one operation to the micro-batcher and resolves with its own result. */
  submit: (op: BulkOp, bytes: number) => Promise<BulkResult>;
  /** Whether Elasticsearch holds a document with this id now (a real-time get). */
  isIndexed: (id: string) => Promise<boolean>;
  tombstones: Pick<Tombstones, 'get' | 'put' | 'markPending'>;
  watermarks: Pick<Watermarks, 'markIndexed'>;
  deadLetters: Pick<DeadLetters, 'record' | 'resolve'>;
  stats: Pick<Stats, 'count' | 'recordFreshness'>;
  metrics: Pick<IndexerMetrics, 'documents' | 'freshness'>;
  now: () => number;
}

export type IndexJobResult = { outcome: 'indexed' | 'deleted' | 'conflict' | 'tombstoned' };

export interface Target {
  action: 'index' | 'delete';
  did: string;
  soul: string;
  version: number;
  /** A decrypted record: failure details keep Elasticsearch's error type only. */
  private?: boolean;
}

/**
 * What of an Elasticsearch failure may be stored (dead letter, BullMQ's failedReason, logs).
 * Reasons name field paths and quote values (`failed to parse field [data.x.y] … Preview of
 * field's value: …`): for a private record only the error type, the reason class, is kept.
 */
export function toFailureReason(target: Target, failure: { type: string; reason: string }): string {
  return target.private ? 'reason withheld (private record)' : failure.reason;
}

/** True when this run is the job's last allowed attempt. */
export function isLastAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** What a dead letter names; the version is left out when the payload had none to trust. */
export type DeadLetterTarget = Omit<Target, 'version'> & { version?: number };

/** The job's failure is already in the dead-letter set: the worker's failed handler leaves it. */
export class DeadLetteredError extends UnrecoverableError {}

/** Records a dead letter and returns the UnrecoverableError to throw. */
export async function deadLetter(
  deps: Pick<JobDeps, 'deadLetters' | 'stats' | 'metrics' | 'now'>,
  target: DeadLetterTarget,
  reason: string,
  detail: string,
  outcome: 'rejected' | 'failed' | 'unreadable',
  log: Logger,
): Promise<DeadLetteredError> {
  await deps.deadLetters.record({
    soul: target.soul,
    did: target.did,
    stage: 'index',
    ...(target.version !== undefined ? { version: target.version } : {}),
    reason,
    detail,
    at: deps.now(),
  });
  await deps.stats.count('error', 1, reason);
  deps.metrics.documents.inc({ outcome });
  log.warn(
    { did: target.did, soul: target.soul, version: target.version, reason, detail },
    'document dead-lettered',
  );
  return new DeadLetteredError(`${reason}: ${detail}`);
}

/** This version, or a newer one, is in Elasticsearch (or deleted): an older failure is over. */
export async function resolveDeadLetter(
  deps: Pick<JobDeps, 'deadLetters'>,
  target: Target,
): Promise<void> {
  await deps.deadLetters.resolve(target.soul, { stage: 'index', version: target.version });
}

export async function settle(
  deps: JobDeps,
  job: Pick<Job, 'attemptsMade' | 'opts'>,
  target: Target,
  result: BulkResult,
  log: Logger,
): Promise<IndexJobResult> {
  switch (result.outcome) {
    case 'ok': {
      await deps.watermarks.markIndexed(target.soul, target.version);
      await resolveDeadLetter(deps, target);
      await deps.stats.count(target.action === 'index' ? 'synced' : 'deleted');
      const outcome = target.action === 'index' ? 'indexed' : 'deleted';
      deps.metrics.documents.inc({ outcome });
      // A version of 0 means the record carries no time; a publisher's clock ahead of ours
      // counts as 0 s.
      if (target.action === 'index' && target.version > 0) {
        const freshnessMs = Math.max(0, deps.now() - target.version);
        deps.metrics.freshness.observe(freshnessMs / 1000);
        await deps.stats.recordFreshness(freshnessMs);
      }
      log.debug(
        { did: target.did, version: target.version, result: result.result },
        `document ${outcome}`,
      );
      return { outcome };
    }
    case 'conflict':
      await resolveDeadLetter(deps, target);
      await deps.stats.count('skipped');
      deps.metrics.documents.inc({ outcome: 'conflict' });
      log.debug({ did: target.did, version: target.version }, 'newer version already indexed');
      return { outcome: 'conflict' };
    case 'rejected':
      throw await deadLetter(
        deps,
        target,
        'es-rejected',
        `${result.type}: ${toFailureReason(target, result)}`,
        'rejected',
        log,
      );
    case 'retry':
      if (result.throttle) {
        deps.metrics.documents.inc({ outcome: 'throttled' });
        throw new RateLimitError();
      }
      if (isLastAttempt(job))
        throw await deadLetter(
          deps,
          target,
          'es-failed',
          `${result.type}: ${toFailureReason(target, result)}`,
          'failed',
          log,
        );
      deps.metrics.documents.inc({ outcome: 'retried' });
      throw toEsError({
        kind: 'unknown',
        type: result.type,
        reason: toFailureReason(target, result),
        ...(result.status !== undefined ? { status: result.status } : {}),
      });
  }
}
