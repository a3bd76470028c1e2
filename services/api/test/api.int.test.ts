/**
 * The API against the real services: Redis (stats, dead letters, watermarks, BullMQ queues) and
 * the GUN relay (registrations). A real discovery worker runs the force-sync jobs the API
 * queues, reading back what the API registered, so the health report shows real counts.
 * Each test has its own BullMQ prefix and registry root, removed afterwards.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGunRegistry } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { QueueName, connectRedis, createProducer, createRedisConnection } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { createDeadLetters, createStats, createTombstones, createWatermarks } from '@sync/state';
import { createDiscoveryWorker } from '../../discovery/src/worker.js';
import { serviceUrls } from '../../../test/services.js';
import { hostPort, startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import { buildApp, type ApiApp } from '../src/app.js';
import { loadApiConfig, type ApiConfig } from '../src/config.js';
import { createDeps, type Deps } from '../src/deps.js';
import type { HealthReport } from '../src/health/to-health-report.js';

const adminToken = `int-${randomUUID()}`;
const auth = { authorization: `Bearer ${adminToken}` };
const log = createSilentLogger();

/** A publisher key and the souls OIP would compute for it (spec §2.2). */
function aPublisher() {
  const creatorPubKey = randomBytes(64).toString('base64url');
  const hash = createHash('sha256').update(creatorPubKey).digest('hex').slice(0, 12);
  return { creatorPubKey, soul: (localId: string) => `${hash}:${localId}` };
}

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('api against real Redis and GUN', () => {
  const services = serviceUrls();
  let redis: Redis;
  let prefix: string;
  let root: string;
  let config: ApiConfig;
  let deps: Deps | undefined;
  let app: ApiApp | undefined;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = await connectRedis(services.redisUrl, 'producer');
  });
  afterAll(() => {
    redis.disconnect();
  });
  beforeEach(async () => {
    prefix = uniquePrefix();
    root = `test-${randomUUID().slice(0, 8)}:registry`;
    config = loadApiConfig({
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX: prefix,
      ELASTICSEARCH_URL: services.elasticsearchUrl,
      GUN_PEERS: services.gunRelayUrl,
      GUN_REGISTRY_ROOT: root,
      GUN_NODE_ID_OVERRIDE: 'node-a',
      GUN_SYNC_INTERVAL: '60000',
      API_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'silent',
    });
    deps = await createDeps(config, log);
    app = await buildApp({ ...deps, log, config });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await app?.close();
    await deps?.close();
    await obliterateAll(redis, prefix);
  });

  /** The real discovery worker of services/discovery, as node-b, reading the same registry. */
  async function startDiscovery() {
    const connection = createRedisConnection(services.redisUrl, 'worker');
    const gun = createGunRegistry({
      mode: 'http',
      peers: [services.gunRelayUrl],
      root,
      recordTypes: ['post', 'image'],
      readTimeoutMs: 5_000,
      concurrency: 4,
      log,
    });
    const transform = createProducer(QueueName.transform, { connection: redis, prefix });
    const index = createProducer(QueueName.index, { connection: redis, prefix });
    const discovery = await createDiscoveryWorker(
      {
        gun,
        transform,
        index,
        watermarks: createWatermarks(redis, prefix),
        tombstones: createTombstones(redis, prefix),
        deadLetters: createDeadLetters(redis, prefix),
        indexedVersions: async () => new Map(),
        maxClockSkewMs: 300_000,
        stats: createStats(redis, prefix),
        policy: {
          selfNodeId: 'node-b',
          trustedNodes: [],
          typeFilter: { mode: 'all', whitelist: [], blacklist: [] },
        },
        chunkSize: 100,
        now: () => new Date(),
      },
      { connection, prefix, intervalMs: 60_000, enabled: false },
      log,
    );
    void discovery.worker.run();
    cleanups.push(async () => {
      await discovery.close();
      await transform.close();
      await index.close();
      await gun.close();
      connection.disconnect();
    });
  }

  it('registers records, runs a forced scan through its handle and reports real counts', async () => {
    if (!app) throw new Error('no app');
    const publisher = aPublisher();
    const records = [
      { soul: publisher.soul('post-1'), recordType: 'post' },
      { soul: publisher.soul('post-2'), recordType: 'post' },
      { soul: publisher.soul('image-1'), recordType: 'image' },
    ];
    for (const record of records) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/registry/records',
        headers: auth,
        payload: { ...record, creatorPubKey: publisher.creatorPubKey },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ nodeId: 'node-a', did: `did:gun:${record.soul}` });
    }

    await startDiscovery();
    const started = performance.now();
    const force = await app.inject({
      method: 'POST',
      url: '/api/health/gun-sync/force',
      headers: auth,
    });
    const elapsedMs = performance.now() - started;
    expect(force.statusCode).toBe(202);
    expect(elapsedMs).toBeLessThan(1_000);
    const { statusUrl } = force.json<{ statusUrl: string }>();

    const finished = await waitFor(
      'the forced scan',
      async () =>
        (await app!.inject({ method: 'GET', url: statusUrl })).json<{
          state: string;
          result: unknown;
          progress: unknown;
        }>(),
      (s) => s.state === 'completed' || s.state === 'failed',
    );
    expect(finished).toMatchObject({
      state: 'completed',
      request: { scope: 'all', ignoreWatermarks: false },
      progress: { discovered: 3, enqueued: 3, typesDone: 2, typesTotal: 2 },
      result: { scope: 'all', types: 2, discovered: 3, enqueued: 3, errors: [] },
      failedReason: null,
    });

    const health = await app.inject({ method: 'GET', url: '/api/health/gun-sync' });
    expect(health.statusCode, health.body).toBe(200);
    const body = health.json<HealthReport>();
    expect(body).toMatchObject({
      service: 'gun-sync',
      status: 'healthy',
      running: true,
      nodeId: 'node-a',
      metrics: { totalDiscovered: 3, totalEnqueued: 3, syncCycles: 1 },
      registry: {
        nodeId: 'node-a',
        registryRoot: root,
        totalRecordsRegistered: 3,
        recordsByType: { post: 2, image: 1 },
      },
      queues: {
        [QueueName.transform]: { waiting: 3, workers: 0 },
        [QueueName.discover]: { workers: 1 },
      },
      backlog: 3,
      deadLetters: { total: 0 },
      peers: [{ kind: 'local', reachable: true }],
    });
    expect(body.metrics.lastSyncTime).not.toBeNull();
    expect(body.metrics.lastSyncAgo).toMatch(/^\d+s ago$/);
    expect(body.queues[QueueName.transform]?.lagMs).toBeGreaterThanOrEqual(0);

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('sync_pipeline_records{outcome="discovered"} 3');
    expect(metrics).toContain('sync_queue_jobs{queue="sync.transform",state="waiting"} 3');
    expect(metrics).toContain('sync_pipeline_registry_entries{record_type="post"} 2');
    expect(metrics).toContain('sync_queue_workers{queue="sync.discover"} 1');
  });

  it('reports Redis, Elasticsearch and the GUN relay as answering, and is ready', async () => {
    if (!app) throw new Error('no app');
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.json()).toEqual({ status: 'ready' });
    expect(res.statusCode).toBe(200);
    const health = await app.inject({ method: 'GET', url: '/api/health/gun-sync' });
    expect(health.json()).toMatchObject({
      health: { dependencies: { ok: true, detail: 'redis, elasticsearch, gun answer' } },
      dependencies: { redis: { ok: true }, elasticsearch: { ok: true }, gun: { ok: true } },
    });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const dependency of ['redis', 'elasticsearch', 'gun'])
      expect(metrics).toContain(`sync_dependency_up{dependency="${dependency}"} 1`);
  });

  it("exports what is left of the index queue's rate-limit pause", async () => {
    if (!app) throw new Error('no app');
    const rateLimit = async () => {
      const body = (await app!.inject({ method: 'GET', url: '/metrics' })).body;
      const line = /^sync_queue_rate_limit_seconds\{queue="sync.index"\} (\S+)$/m.exec(body);
      return Number(line?.[1]);
    };
    expect(await rateLimit()).toBe(0);
    const queue = new Queue(QueueName.index, { connection: redis, prefix });
    await queue.rateLimit(60_000); // what the indexer's throttle does while Elasticsearch is down
    const seconds = await rateLimit();
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    await queue.removeRateLimitKey();
    expect(await rateLimit()).toBe(0);
    await queue.close();
  });

  it('merges identical pending force requests into one handle', async () => {
    if (!app) throw new Error('no app');
    const post = (payload?: object) =>
      app!.inject({
        method: 'POST',
        url: '/api/health/gun-sync/force',
        headers: auth,
        ...(payload ? { payload } : {}),
      });
    const first = (await post()).json<{ id: string; deduplicated: boolean }>();
    const second = (await post({ scope: 'all' })).json<{ id: string; deduplicated: boolean }>();
    const other = (await post({ scope: 'type', recordType: 'post' })).json<{
      id: string;
      deduplicated: boolean;
    }>();
    expect(first.deduplicated).toBe(false);
    expect(second).toEqual(expect.objectContaining({ id: first.id, deduplicated: true }));
    expect(other.id).not.toBe(first.id);
    const status = await app.inject({
      method: 'GET',
      url: `/api/health/gun-sync/force/${other.id}`,
    });
    expect(status.json()).toMatchObject({
      state: 'waiting',
      request: { scope: 'type', recordType: 'post' },
      progress: null,
    });
  });

  it('retries a dead letter by resetting its watermark and queueing a discovery of its soul', async () => {
    if (!app) throw new Error('no app');
    const soul = aPublisher().soul('broken-1');
    const deadLetters = createDeadLetters(redis, prefix);
    const watermarks = createWatermarks(redis, prefix);
    await watermarks.markEnqueued([{ soul, version: 5 }], Date.now());
    await deadLetters.record({
      soul,
      stage: 'transform',
      reason: 'invalid-record',
      detail: 'no oip',
      at: Date.now() - 1_000,
    });
    await deadLetters.record({
      soul,
      stage: 'transform',
      reason: 'invalid-record',
      detail: 'no oip',
      at: Date.now(),
    });

    const list = await app.inject({ method: 'GET', url: '/api/dead-letters', headers: auth });
    expect(list.json()).toMatchObject({
      total: 1,
      byReason: { 'invalid-record': 1 },
      items: [{ soul, attempts: 2 }],
    });

    const retry = await app.inject({
      method: 'POST',
      url: '/api/dead-letters/retry',
      headers: auth,
      payload: { soul },
    });
    expect(retry.statusCode).toBe(202);
    const [jobId] = retry.json<{ jobIds: string[] }>().jobIds;
    expect(await watermarks.changed([{ soul, version: 5 }])).toHaveLength(1);
    const queue = new Queue(QueueName.discover, { connection: redis, prefix });
    const job = await Job.fromId(queue, jobId ?? '');
    expect(job?.data).toMatchObject({ scope: 'soul', soul, force: true, requestedBy: 'api' });
    await queue.close();

    const again = await app.inject({
      method: 'POST',
      url: '/api/dead-letters/retry',
      headers: auth,
      payload: { reason: 'invalid-record' },
    });
    expect(again.json()).toEqual({ requested: 1, jobIds: [jobId] });

    const drop = await app.inject({
      method: 'DELETE',
      url: `/api/dead-letters?soul=${encodeURIComponent(soul)}`,
      headers: auth,
    });
    expect(drop.statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/dead-letters', headers: auth })).json(),
    ).toMatchObject({ total: 0 });
  });

  it('measures lag from the oldest waiting job and counts workers', async () => {
    if (!deps) throw new Error('no deps');
    const queue = new Queue(QueueName.transform, { connection: redis, prefix });
    const now = Date.now();
    await queue.add('transform-record', { soul: 'a' }, { timestamp: now - 30_000 });
    await queue.add('transform-record', { soul: 'b' }, { timestamp: now - 5_000 });
    const workerConnection = createRedisConnection(services.redisUrl, 'worker');
    const worker = new Worker(QueueName.index, null, { connection: workerConnection, prefix });
    await worker.waitUntilReady();
    const states = await waitFor(
      'the index worker to be listed',
      () => deps!.pipeline.read(),
      (s) => s.find((q) => q.name === QueueName.index)?.workers === 1,
    );
    const transform = states.find((q) => q.name === QueueName.transform);
    expect(transform).toMatchObject({
      counts: { waiting: 2 },
      oldestWaitingAt: now - 30_000,
      paused: false,
    });
    await worker.close();
    workerConnection.disconnect();
    await queue.close();
  });

  it("answers OIP's 503 'unavailable' when Redis is gone", async () => {
    if (!app || !deps) throw new Error('no app');
    await deps.close();
    const res = await app.inject({ method: 'GET', url: '/api/health/gun-sync' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      service: 'gun-sync',
      status: 'unavailable',
      message: 'the pipeline state in Redis cannot be read',
    });
    const force = await app.inject({
      method: 'POST',
      url: '/api/health/gun-sync/force',
      headers: auth,
    });
    expect(force.statusCode).toBe(503);
    expect(force.json()).toMatchObject({ code: 'SYNC_REDIS_UNAVAILABLE' });
  });
});

describe('api with Elasticsearch cut', () => {
  const services = serviceUrls();
  let redis: Redis;
  let proxy: TcpProxy;
  let prefix: string;
  let deps: Deps;
  let app: ApiApp;

  beforeAll(async () => {
    redis = await connectRedis(services.redisUrl, 'producer');
    proxy = await startTcpProxy(hostPort(services.elasticsearchUrl));
    prefix = uniquePrefix();
    const config = loadApiConfig({
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX: prefix,
      ELASTICSEARCH_URL: proxy.url,
      GUN_PEERS: services.gunRelayUrl,
      GUN_NODE_ID_OVERRIDE: 'node-a',
      // No scans: the health rule then depends only on the pipeline and its dependencies.
      GUN_SYNC_ENABLED: 'false',
      API_ADMIN_TOKEN: adminToken,
      API_CHECK_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'silent',
    });
    deps = await createDeps(config, log);
    app = await buildApp({ ...deps, log, config });
  });
  afterAll(async () => {
    await app.close();
    await deps.close();
    await proxy.close();
    await obliterateAll(redis, prefix);
    redis.disconnect();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('stays ready and reports the outage in the health JSON and /metrics', async () => {
    const before = await get('/api/health/gun-sync');
    expect(before.statusCode, before.body).toBe(200);

    await proxy.cut();
    const ready = await get('/readyz');
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });

    const health = await get('/api/health/gun-sync');
    expect(health.statusCode, health.body).toBe(503);
    const body = health.json<HealthReport>();
    expect(body).toMatchObject({
      status: 'unhealthy',
      health: { dependencies: { ok: false } },
      dependencies: { redis: { ok: true }, elasticsearch: { ok: false }, gun: { ok: true } },
    });
    expect(body.health.dependencies.detail).toMatch(/^elasticsearch: .*ECONNREFUSED/);
    const metrics = (await get('/metrics')).body;
    expect(metrics).toContain('sync_dependency_up{dependency="elasticsearch"} 0');
    expect(metrics).toContain('sync_dependency_up{dependency="redis"} 1');

    await proxy.restore();
    const after = await get('/api/health/gun-sync');
    expect(after.statusCode, after.body).toBe(200);
    expect(after.json()).toMatchObject({
      health: { dependencies: { ok: true } },
      dependencies: { redis: { ok: true }, elasticsearch: { ok: true }, gun: { ok: true } },
    });
    expect((await get('/metrics')).body).toContain(
      'sync_dependency_up{dependency="elasticsearch"} 1',
    );
  });
});
