/**
 * Fault: Redis restarted empty mid-backfill (a dedicated redis-server, killed and started
 * again on the same port with nothing saved). Queues, watermarks and in-flight jobs vanish;
 * the workers reconnect; the next full scan finds every record the index lacks and enqueues
 * it again, so completeness is restored, without duplicates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { cutAndRestore, useFaultRun } from '../support/cut-and-restore.js';
import { waitFor } from '../support/node.js';
import { freePort } from '../support/ports.js';
import { ephemeralRedisArgs } from '../support/redis-server.js';

const total = Number(process.env.FAULT_RECORDS ?? 300);

/** redis-server on 127.0.0.1:port, nothing persisted; resolves once it answers PING. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', ...ephemeralRedisArgs],
    { stdio: 'ignore' },
  );
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  await waitFor(
    'redis-server to answer',
    async () => {
      await probe.connect().catch(() => undefined);
      return (await probe.ping()) === 'PONG';
    },
    15_000,
    100,
  );
  probe.disconnect();
  return child;
}

async function killRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe(`Redis restarted empty during a ${total}-record backfill`, () => {
  const fault = useFaultRun(total, async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    return {
      options: { redisUrl: `redis://127.0.0.1:${port}` },
      cut: {
        name: 'Redis (restarted empty)',
        cut: () => killRedis(redis),
        restore: async () => {
          redis = await startRedis(port);
        },
      },
      close: () => killRedis(redis),
    };
  });

  it('restores completeness with the next scan: exactly the published set', async () => {
    const { run } = fault;
    await cutAndRestore(fault, total, {
      cutAt: 0.3,
      outageMs: 0,
      afterRestore: async (atRestart) => {
        // The test's own connection reconnects too (jittered backoff), then sees an empty Redis.
        const sizeAfter = await waitFor(
          'the test connection to reconnect',
          async () => {
            const size = await run.redis.dbsize();
            return { size };
          },
          30_000,
          200,
        );
        expect(sizeAfter.size).toBeLessThan(50);
        expect(atRestart).toBeLessThan(total);
        // The scan the schedule would run next; the queues it was in vanished with Redis.
        await waitFor(
          'the discovery worker to reconnect',
          async () => {
            await run.discover();
            return true;
          },
          30_000,
          500,
        );
      },
    });
  }, 900_000);
});
