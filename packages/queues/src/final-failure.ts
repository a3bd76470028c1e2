/**
 * Is a `failed` event the job's last word, and why? BullMQ emits `failed` for every failed
 * attempt; a job is over only after an UnrecoverableError or its last allowed attempt. The
 * UnrecoverableErrors that no processor chose are told apart by their message, so that each ends
 * in the dead-letter set with its own reason:
 * - `stalled`: BullMQ failed the job because the processes holding it died (or blocked their
 *   event loop) more than `maxStalledCount` times; the next worker to fetch it fails it;
 * - `bad-payload` / `unknown-job`: our processor wrapper refused the payload or the job name;
 * - `unrecoverable`: any other UnrecoverableError (a processor's own permanent failure);
 * - `retries-exhausted`: a retryable error on the last attempt.
 */
import { UnrecoverableError, type Job } from 'bullmq';

export type FinalFailureReason =
  'stalled' | 'bad-payload' | 'unknown-job' | 'unrecoverable' | 'retries-exhausted';

/** BullMQ's messages for a job failed by its stall limit (`maxStalledCount`, `maxStartedAttempts`). */
const stalledMessage = /^job (stalled|started) more than allowable limit/;

/** The reason the job is over, or undefined when BullMQ will try it again. */
export function finalFailure(
  job: Pick<Job, 'attemptsMade' | 'opts'>,
  err: Error,
): FinalFailureReason | undefined {
  if (err instanceof UnrecoverableError || err.name === 'UnrecoverableError') {
    if (stalledMessage.test(err.message)) return 'stalled';
    if (err.message.startsWith('SYNC_BAD_PAYLOAD')) return 'bad-payload';
    if (err.message.startsWith('no processor for job')) return 'unknown-job';
    return 'unrecoverable';
  }
  return job.attemptsMade >= (job.opts.attempts ?? 1) ? 'retries-exhausted' : undefined;
}
