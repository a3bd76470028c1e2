/**
 * Fault: Redis restarted empty mid-backfill (a dedicated redis-server, killed and started
 * again on the same port with nothing saved). Queues, watermarks and in-flight jobs vanish;
 * the workers reconnect; the next full scan finds every record the index lacks and enqueues
 * it again, so completeness is restored, without duplicates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { serviceUrls } from '../services.js';
import {
  createBackfillRun,
  startPublishedPair,
  type BackfillRun,
} from '../support/backfill-run.js';
import { waitFor } from '../support/node.js';

const total = Number(process.env.FAULT_RECORDS ?? 300);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** redis-server on 127.0.0.1:port, nothing persisted; resolves once it answers PING. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
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
  let published: Awaited<ReturnType<typeof startPublishedPair>>;
  let run: BackfillRun;
  let redis: ChildProcess;
  let port: number;

  beforeAll(async () => {
    published = await startPublishedPair(total);
    port = await freePort();
    redis = await startRedis(port);
    run = await createBackfillRun({
      redisUrl: `redis://127.0.0.1:${port}`,
      elasticsearchUrl: serviceUrls().elasticsearchUrl,
      gunPeers: published.pair.b.url,
      env: { TRANSFORM_CONCURRENCY: '2', INDEXER_BATCH_MAX_DOCS: '8', INDEXER_FLUSH_MS: '20' },
    });
  }, 300_000);

  afterAll(async () => {
    await run?.close();
    if (redis) await killRedis(redis);
    await published?.close();
  });

  it('restores completeness with the next scan: exactly the published set', async () => {
    const { discovery, transform, indexer } = await run.startPipeline();
    await run.discover();
    await run.waitForCount(Math.floor(total * 0.3), 180_000);
    await killRedis(redis);
    const atRestart = await run.count();
    redis = await startRedis(port);
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
    process.stdout.write(`[faults] Redis restarted empty at ${atRestart}/${total}\n`);
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
    const restarted = Date.now();
    await run.waitForCount(total, 300_000);
    process.stdout.write(`[faults] complete ${Date.now() - restarted} ms after the scan\n`);
    const ids = await run.ids();
    expect(ids).toHaveLength(total);
    expect(new Set(ids)).toEqual(published.expected);
    for (const p of [discovery, transform, indexer]) expect(p.child.exitCode).toBeNull();
  }, 900_000);
});
