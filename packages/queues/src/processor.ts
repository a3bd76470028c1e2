/**
 * Wraps a stage's unit of work for BullMQ: parses the payload (a bad payload is permanent),
 * binds a child logger, and maps errors: a SyncError that says no retry can help becomes
 * UnrecoverableError (no attempts wasted); everything else is re-thrown for backoff.
 *
 * Each attempt runs in a span `<queue> <job>` (a consumer span) that continues the trace the
 * job data carries (`trace`), or starts one; spans the handler starts, and the trace carried
 * by jobs it enqueues, hang below it.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { z } from 'zod';
import type { Logger } from '@sync/logging';
import { SyncError } from '@sync/runtime/errors';
import { SpanKind, inSpan, type TraceCarrier } from '@sync/tracing';

export interface ProcessorContext {
  job: Job;
  log: Logger;
  signal?: AbortSignal;
}

export type Handler<S extends z.ZodType, R> = (
  data: z.output<S>,
  ctx: ProcessorContext,
) => Promise<R>;

/** Maps an error to what BullMQ should do with it. */
export function toJobError(err: unknown): Error {
  if (err instanceof UnrecoverableError) return err;
  if (err instanceof SyncError && !err.retryable) {
    const unrecoverable = new UnrecoverableError(`${err.code}: ${err.message}`);
    unrecoverable.cause = err;
    return unrecoverable;
  }
  return err instanceof Error ? err : new Error(String(err));
}

export function defineProcessor<S extends z.ZodType, R>(
  handlers: Record<string, { schema: S; handle: Handler<S, R> }>,
  log: Logger,
) {
  return async function process(job: Job, _token?: string, signal?: AbortSignal): Promise<R> {
    const handler = handlers[job.name];
    if (!handler) throw new UnrecoverableError(`no processor for job ${job.name}`);
    const parsed = handler.schema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        `SYNC_BAD_PAYLOAD: ${job.name} payload invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const child = log.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 });
    const { trace } = parsed.data as { trace?: TraceCarrier };
    const { soul, version } = parsed.data as { soul?: unknown; version?: unknown };
    return inSpan(
      `${job.queueName} ${job.name}`,
      {
        parent: trace ?? null,
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.destination.name': job.queueName,
          'messaging.message.id': job.id ?? '',
          'gun_sync.attempt': job.attemptsMade + 1,
          ...(typeof soul === 'string' ? { 'gun_sync.soul': soul } : {}),
          ...(typeof version === 'number' ? { 'gun_sync.version': version } : {}),
        },
      },
      async () => {
        try {
          return await handler.handle(parsed.data, {
            job,
            log: child,
            ...(signal ? { signal } : {}),
          });
        } catch (err) {
          throw toJobError(err);
        }
      },
    );
  };
}

/** The immich "no missing handlers" check: every job name the queue carries has a processor. */
export function assertHandlers(
  queue: string,
  jobNames: readonly string[],
  handlers: Record<string, unknown>,
): void {
  const missing = jobNames.filter((name) => !(name in handlers));
  if (missing.length > 0)
    throw new Error(`queue ${queue} has no processor for: ${missing.join(', ')}`);
}
