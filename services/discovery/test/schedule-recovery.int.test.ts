/**
 * Discovery when Redis restarts empty: the job scheduler that runs the full scans and the
 * discover queue's global concurrency live only in Redis. The running discovery stage must
 * write them again by itself, so the next scheduled scan happens without anyone queueing one,
 * and scans still never overlap across replicas.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGunRegistry, resolveNodeId } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { QueueName, connectRedis, createProducer, createRedisConnection } from '@sync/queues';
import { createStats, stateKeys } from '@sync/state';
import { loadDiscoveryConfig } from '../src/config.js';
import { startDiscovery, type DiscoveryRuntime } from '../src/start.js';
import { createDiscoveryWorker, schedulerId } from '../src/worker.js';
import { serviceUrls } from '../../../test/services.js';
import { waitFor } from '../../../test/support/node.js';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { discoverDeps } from './support.js';

const intervalMs = 1_000;

/** Discovery's env on a Redis of the test's own, reading an empty registry of its own. */
function discoveryEnv(redisUrl: string, prefix: string, over: Record<string, string> = {}) {
  const services = serviceUrls();
  return {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    ELASTICSEARCH_URL: services.elasticsearchUrl,
    ELASTICSEARCH_INDEX: `${prefix}-records`,
    SYNC_SEAL_KEY: randomBytes(32).toString('hex'),
    GUN_CLIENT_MODE: 'http',
    GUN_PEERS: services.gunRelayUrl,
    // An empty registry of this test's own: each scan is short.
    GUN_REGISTRY_ROOT: `oip:registry-${prefix}`,
    GUN_SYNC_RECORD_TYPES: 'post',
    GUN_SYNC_INTERVAL: String(intervalMs),
    DISCOVERY_LIVE: 'false',
    ...over,
  };
}

/**
 * A full scan that started at or after `since` and has ended: a scan in flight at the fault
 * may still record its end afterwards, and must not count as the schedule working again.
 */
function scanSince(stats: ReturnType<typeof createStats>, since: number) {
  return async () => {
    const { lastScanStartedAt: started, lastScanEndedAt: ended } = await stats.snapshot(Date.now());
    return started !== undefined && started >= since && ended !== undefined && ended >= started
      ? ended
      : undefined;
  };
}

describe('discovery after Redis restarted empty', () => {
  const id = randomUUID().slice(0, 8);
  const prefix = `schedule-${id}`;
  let redis: RedisServer | undefined;
  let discovery: DiscoveryRuntime | undefined;
  const fatal: unknown[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const config = loadDiscoveryConfig(
      discoveryEnv(redis.url, prefix, { GUN_NODE_ID_OVERRIDE: 'node-b' }),
    );
    discovery = await startDiscovery(config, {
      log: createSilentLogger(),
      registry: new Registry(),
      onFatal: (err) => fatal.push(err),
    });
  });

  afterAll(async () => {
    await discovery?.close();
    await redis?.stop();
  });

  it('re-creates its schedule and global concurrency: the next scan runs without anyone queueing it', async () => {
    const server = redis!;
    const probe = createRedisConnection(server.url, 'worker');
    probe.on('error', () => undefined);
    const stats = createStats(probe, prefix);
    const queue = new Queue(QueueName.discover, { connection: probe, prefix });
    try {
      await waitFor('the first scheduled scan', scanSince(stats, 0), 60_000, 100);
      expect(await queue.getGlobalConcurrency()).toBe(1);
      await probe.set(`${prefix}:test-marker`, '1');

      await server.restartEmpty();
      const restarted = Date.now();
      // The fault is real: what was in Redis is gone (stats, the scheduler, queue settings).
      expect(await probe.exists(`${prefix}:test-marker`)).toBe(0);

      // Only the stage itself can bring a scan back: this test queues none.
      await waitFor(
        'a scheduled scan after Redis restarted empty',
        scanSince(stats, restarted),
        30 * intervalMs,
        100,
      );
      expect(await queue.getJobScheduler(schedulerId)).toMatchObject({ every: intervalMs });
      expect(await queue.getGlobalConcurrency()).toBe(1);
      expect(fatal).toEqual([]);
      expect(discovery!.ready()).toBe(true);
    } finally {
      await queue.close();
      probe.disconnect();
    }
  });
});

describe('discovery after its Redis was flushed without a reconnect', () => {
  it('notices on its periodic check and schedules scans again', async () => {
    const redis = await startRedisServer();
    const prefix = `schedule-${randomUUID().slice(0, 8)}`;
    const connection = await connectRedis(redis.url, 'worker');
    const producer = await connectRedis(redis.url, 'producer');
    const gun = createGunRegistry({
      mode: 'http',
      peers: [serviceUrls().gunRelayUrl],
      root: `oip:registry-schedule-${prefix}`,
      recordTypes: ['post'],
      readTimeoutMs: 5_000,
      concurrency: 4,
      log: createSilentLogger(),
    });
    const transform = createProducer(QueueName.transform, { connection: producer, prefix });
    const index = createProducer(QueueName.index, { connection: producer, prefix });
    const deps = discoverDeps(
      { connection: producer, prefix, gun, transform, index },
      { now: () => new Date() },
    );
    const discovery = await createDiscoveryWorker(
      deps,
      { connection, prefix, intervalMs, enabled: true, ensureEveryMs: 200 },
      createSilentLogger(),
    );
    const running = discovery.worker.run();
    try {
      await waitFor('the first scheduled scan', scanSince(deps.stats, 0), 60_000, 100);
      await producer.set(`${prefix}:test-marker`, '1');

      await producer.flushdb();
      const flushed = Date.now();
      expect(await producer.exists(`${prefix}:test-marker`)).toBe(0);

      await waitFor(
        'a scheduled scan after the flush',
        scanSince(deps.stats, flushed),
        30 * intervalMs,
        100,
      );
      expect(await discovery.queue.getJobScheduler(schedulerId)).toMatchObject({
        every: intervalMs,
      });
      expect(await discovery.queue.getGlobalConcurrency()).toBe(1);
      expect(connection.status).toBe('ready');
    } finally {
      await discovery.close();
      await running;
      await transform.close();
      await index.close();
      await gun.close();
      connection.disconnect();
      producer.disconnect();
      await redis.stop();
    }
  });
});

describe('a generated node id when Redis restarted empty', () => {
  it('is written back by the running stage, so a process started next adopts it', async () => {
    const redis = await startRedisServer();
    const prefix = `schedule-${randomUUID().slice(0, 8)}`;
    const key = stateKeys(prefix).nodeId;
    const discovery = await startDiscovery(loadDiscoveryConfig(discoveryEnv(redis.url, prefix)), {
      log: createSilentLogger(),
      registry: new Registry(),
      onFatal: () => undefined,
    });
    const probe = createRedisConnection(redis.url, 'worker');
    probe.on('error', () => undefined);
    try {
      expect(await probe.get(key)).toBe(discovery.nodeId);
      await redis.restartEmpty();
      // Redis has lost the id (the test's connection sees the new, empty server).
      await waitFor('the test connection on the new server', async () => probe.ping(), 30_000);

      await waitFor(
        'the running stage to write its node id back',
        async () => (await probe.get(key)) === discovery.nodeId,
        30_000,
        100,
      );
      // What a replica or a restarted process resolves now: the same identity.
      expect(await resolveNodeId({ redis: probe, key })).toBe(discovery.nodeId);
    } finally {
      await discovery.close();
      probe.disconnect();
      await redis.stop();
    }
  });
});
