/**
 * A BullMQ worker close that always ends. `Worker.close()` interrupts the blocking connection
 * and waits for its `end` event; ioredis emits none while that connection sits between two
 * reconnect attempts (taskforcesh/bullmq#4656, seen here when Redis restarted and a stage was
 * closed before its blocking connection was back). A shutdown, a test or a scheduler re-run
 * would then wait forever.
 */
import type { Worker } from 'bullmq';
import type { Logger } from '@sync/logging';

export interface CloseWorkerOptions {
  log: Pick<Logger, 'warn'>;
  /** How long the blocking connection may take to come back before the close goes on. */
  readyWaitMs?: number;
  /** How long `close()` may take before the blocking connection is ended by hand. */
  timeoutMs?: number;
}

/** The part of an ioredis client this needs. */
interface ClientLike {
  status: string;
  once(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
  disconnect(): void;
}

const settling = new Set(['connecting', 'connect', 'reconnecting']);

/** Resolves with true when `client` is ready within `ms`, false otherwise. */
function readyWithin(client: ClientLike, ms: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    timer.unref();
    client.once('ready', onReady);
  });
}

function within<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

async function blockingClientOf(worker: Worker): Promise<ClientLike | undefined> {
  const client = worker.backend.blockingClient as Promise<unknown> | undefined;
  return (await client?.catch(() => undefined)) as ClientLike | undefined;
}

/**
 * Closes `worker` (active jobs finish first, as `Worker.close()` does) and always returns:
 * a blocking connection that is reconnecting gets `readyWaitMs` to come back first (then the
 * close is the ordinary one), and a close that still has not ended after `timeoutMs` is left
 * behind with a warning.
 */
export async function closeWorker(
  worker: Worker,
  { log, readyWaitMs = 5_000, timeoutMs = 10_000 }: CloseWorkerOptions,
): Promise<void> {
  const blocking = await blockingClientOf(worker);
  if (blocking && settling.has(blocking.status)) await readyWithin(blocking, readyWaitMs);
  const closing = worker.close();
  if (await within(closing, timeoutMs)) return;
  // Redis is unreachable: BullMQ's loop waits for it and cannot end. Stop waiting, so the rest
  // of the shutdown runs (the process exit ends the loop); the blocking connection stops
  // reconnecting.
  log.warn(
    { queue: worker.name, timeoutMs, status: blocking?.status },
    'worker did not close in time (Redis unreachable?): going on without waiting for it',
  );
  blocking?.disconnect();
}
