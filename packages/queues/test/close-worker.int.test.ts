// closeWorker against a real redis-server of the test's own: BullMQ's Worker.close() waits for
// its blocking connection's 'end', which never comes while ioredis is between reconnects
// (bullmq#4656). A stage closed then (shutdown during a Redis outage, or right after Redis
// restarted) must still close.
import { Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@sync/logging';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { waitFor } from '../../../test/support/node.js';
import { closeWorker, createRedisConnection } from '../src/index.js';
import { uniquePrefix } from '../src/testing.js';

describe('closeWorker', () => {
  const servers: RedisServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
  });

  async function runningWorker() {
    const redis = await startRedisServer();
    servers.push(redis);
    const connection = createRedisConnection(redis.url, 'worker');
    connection.on('error', () => undefined);
    const worker = new Worker('close-worker', async () => undefined, {
      connection,
      prefix: uniquePrefix(),
      autorun: false,
    });
    worker.on('error', () => undefined);
    void worker.run().catch(() => undefined);
    await waitFor('the worker to run', async () => worker.isRunning() || undefined, 10_000);
    const blocking = (await worker.backend.blockingClient) as { status: string } | undefined;
    await waitFor('its blocking connection', async () => blocking?.status === 'ready', 10_000);
    return { redis, worker, connection, blocking };
  }

  /** A pino logger whose warn messages the test reads. */
  function recordingLog() {
    const warnings: string[] = [];
    const log = createLogger({
      service: 'close-worker-test',
      destination: {
        write: (line: string) => {
          const event = JSON.parse(line) as { level: number; msg: string };
          if (event.level === 40) warnings.push(event.msg);
        },
      },
    });
    return { warnings, log };
  }

  it('ends while Redis cannot be reached, and says why', async () => {
    const { redis, worker, connection, blocking } = await runningWorker();
    await redis.stop();
    await waitFor(
      'the blocking connection to reconnect',
      async () => blocking?.status === 'reconnecting',
      10_000,
    );
    const { warnings, log } = recordingLog();
    await closeWorker(worker, { log, readyWaitMs: 200, timeoutMs: 500 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/did not close in time/);
    connection.disconnect();
  }, 20_000);

  it('ends right after Redis restarted empty, waiting for the blocking connection instead of hanging', async () => {
    const { redis, worker, connection } = await runningWorker();
    await redis.restartEmpty();
    const { warnings, log } = recordingLog();
    await closeWorker(worker, { log, readyWaitMs: 15_000, timeoutMs: 15_000 });
    // It came back in time: closed the ordinary way, nothing ended by hand.
    expect(warnings).toEqual([]);
    connection.disconnect();
  }, 40_000);
});
