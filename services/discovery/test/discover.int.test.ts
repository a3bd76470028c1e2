import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  UpstreamError,
  type GunRegistry,
  type IndexEntry,
  type ReadResult,
} from '@sync/gun-client';
import { createLogger, createSilentLogger } from '@sync/logging';
import { QueueName, connectRedis, createProducer, type Producer } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { createScanMarks, createStats } from '@sync/state';
import { makeDiscover, type DiscoverDeps } from '../src/discover.js';
import type { ReconcileReport } from '../src/reconcile/session.js';
import { serviceUrls } from '../../../test/services.js';
import { discoverDeps, testPolicy as policy } from './support.js';

const redisUrl = (): string => serviceUrls().redisUrl;

/** A registry held in memory behind our narrow GunRegistry interface: discovery's logic is under test here, not GUN. */
function memoryRegistry(index: Record<string, IndexEntry[]>, deleted: string[] = []): GunRegistry {
  const found = <T>(value: T): ReadResult<T> => ({ status: 'found', value });
  return {
    listRecordTypes: async () => Object.keys(index),
    readTypeIndex: async (type) => (index[type] ? found(index[type]) : { status: 'not-found' }),
    readRecord: async () => ({ status: 'not-found' }),
    readDeleted: async () => found(deleted),
    // Every listed deletion dated 5 ms after the epoch.
    readDeletion: async () => found({ deletedAt: 5 }),
    subscribe: () => () => {},
    close: async () => {},
  };
}

const entry = (
  soul: string,
  nodeId: string | null,
  timestamp: number,
  recordType = 'post',
): IndexEntry => ({ soul, nodeId, timestamp, recordType });
const job = { id: 'job-1', updateProgress: async () => {} };

describe('discovery against a real Redis', () => {
  let connection: Redis;
  let prefix: string;
  let transform: Producer<'sync.transform'>;
  let index: Producer<'sync.index'>;

  beforeAll(async () => {
    connection = await connectRedis(redisUrl(), 'producer');
  });
  afterAll(async () => {
    connection.disconnect();
  });
  beforeEach(() => {
    prefix = uniquePrefix();
    transform = createProducer(QueueName.transform, { connection, prefix });
    index = createProducer(QueueName.index, { connection, prefix });
  });
  afterEach(async () => {
    await transform.close();
    await index.close();
    await obliterateAll(connection, prefix);
  });

  function deps(gun: GunRegistry, over: Partial<DiscoverDeps> = {}): DiscoverDeps {
    return discoverDeps({ connection, prefix, gun, transform, index }, over);
  }

  const waitingSouls = async (queueName: string) => {
    const queue = new Queue(queueName, { connection, prefix });
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    await queue.close();
    return jobs.map((j) => (j.data as { soul: string }).soul).sort();
  };

  const waitingJobs = async () => {
    const queue = new Queue(QueueName.transform, { connection, prefix });
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    await queue.drain(true);
    await queue.close();
    return jobs
      .map((j) => {
        const data = j.data as { soul: string; trigger: string; registryTimestamp?: number };
        return `${data.soul}@${data.registryTimestamp ?? '-'}:${data.trigger}`;
      })
      .sort();
  };
  const scan = (discover: ReturnType<typeof makeDiscover>) =>
    discover(
      {
        scope: 'all',
        force: false,
        requestedBy: 'scheduler',
        requestedAt: new Date().toISOString(),
      },
      job,
    );

  it('enqueues a re-registration with a lower timestamp (a node whose clock is behind)', async () => {
    const registry = { post: [entry('a:1', 'node-a', 500)] };
    const discover = makeDiscover(deps(memoryRegistry(registry)), createSilentLogger());
    expect((await scan(discover)).enqueued).toBe(1);
    expect(await waitingJobs()).toEqual(['a:1@500:scan']);
    registry.post[0] = entry('a:1', 'node-c', 400);
    expect((await scan(discover)).enqueued).toBe(1);
    expect(await waitingJobs()).toEqual(['a:1@400:scan']);
    expect((await scan(discover)).enqueued).toBe(0);
  });

  it('rechecks unchanged entries after GUN_SYNC_RECHECK_MS, oldest first, a share per full scan', async () => {
    const registry = {
      post: Array.from({ length: 10 }, (_, i) => entry(`a:${i}`, 'node-a', 100 + i)),
    };
    let now = Date.parse('2026-11-21T12:00:00.000Z');
    const discover = makeDiscover(
      deps(memoryRegistry(registry), {
        now: () => new Date(now),
        // Every entry once a day, with a full scan every 6 hours: a quarter (3 of 10) per scan.
        recheck: { everyMs: 24 * 3_600_000, scanIntervalMs: 6 * 3_600_000 },
      }),
      createSilentLogger(),
    );
    expect((await scan(discover)).enqueued).toBe(10);
    await waitingJobs();
    now += 3_600_000;
    expect((await scan(discover)).enqueued).toBe(0);
    now += 24 * 3_600_000;
    const due = await scan(discover);
    expect(due.enqueued).toBe(3);
    const rechecked = await waitingJobs();
    expect(rechecked).toHaveLength(3);
    expect(rechecked.every((j) => j.endsWith(':recheck'))).toBe(true);
    // The next scan rechecks three others: the ones just read are no longer the oldest.
    now += 60_000;
    const next = await waitingJobs().then(() => scan(discover));
    expect(next.enqueued).toBe(3);
    const again = await waitingJobs();
    expect(again.filter((j) => rechecked.includes(j))).toEqual([]);
  });

  it('enqueues accepted entries once, skipping own and untrusted nodes, and again only when they change', async () => {
    const registry = {
      post: [
        entry('a:1', 'node-a', 100),
        entry('a:2', 'node-a', 100),
        entry('b:1', 'node-b', 100),
        entry('x:1', 'node-x', 100),
      ],
      image: [entry('a:3', 'node-a', 100, 'image')],
    };
    const discover = makeDiscover(
      deps(memoryRegistry(registry), { policy: policy({ trustedNodes: ['node-a'] }) }),
      createSilentLogger(),
    );
    const first = await discover(
      { scope: 'all', force: false, requestedBy: 'api', requestedAt: new Date().toISOString() },
      job,
    );
    expect(first).toMatchObject({
      types: 2,
      discovered: 5,
      enqueued: 3,
      skipped: { own: 1, untrusted: 1, 'type-filtered': 0 },
    });
    expect(await waitingSouls(QueueName.transform)).toEqual(['a:1', 'a:2', 'a:3']);

    const second = await discover(
      {
        scope: 'all',
        force: false,
        requestedBy: 'scheduler',
        requestedAt: new Date().toISOString(),
      },
      job,
    );
    expect(second.enqueued).toBe(0);

    registry.post[0] = entry('a:1', 'node-a', 200);
    const third = await discover(
      {
        scope: 'all',
        force: false,
        requestedBy: 'scheduler',
        requestedAt: new Date().toISOString(),
      },
      job,
    );
    expect(third.enqueued).toBe(1);
    // Deduplicated: a:1 already has a waiting job, which will fetch the newest record anyway.
    expect(await waitingSouls(QueueName.transform)).toEqual(['a:1', 'a:2', 'a:3']);

    const snapshot = await createStats(connection, prefix).snapshot(Date.now());
    expect(snapshot.registryCounts).toEqual({ post: 4, image: 1 });
    expect(snapshot.counters.cycles).toBe(3);
    expect(snapshot.skippedByReason.untrusted).toBe(3);
  });

  it('re-enqueues unchanged entries when forced, and scans one type on request', async () => {
    const registry = {
      post: [entry('a:1', 'node-a', 100)],
      image: [entry('a:2', 'node-a', 100, 'image')],
    };
    const discover = makeDiscover(deps(memoryRegistry(registry)), createSilentLogger());
    await discover(
      { scope: 'all', force: false, requestedBy: 'api', requestedAt: new Date().toISOString() },
      job,
    );
    const forced = await discover(
      {
        scope: 'type',
        recordType: 'image',
        force: true,
        requestedBy: 'api',
        requestedAt: new Date().toISOString(),
      },
      job,
    );
    expect(forced).toMatchObject({ types: 1, discovered: 1, enqueued: 1 });
  });

  it('turns the deletion registry into delete jobs once per DID', async () => {
    const gun = memoryRegistry({}, ['did:gun:a:1', 'did:gun:a:2', 'not-a-gun-did']);
    const d = deps(gun);
    const discover = makeDiscover(d, createSilentLogger());
    const summary = await discover(
      {
        scope: 'deletions',
        force: false,
        requestedBy: 'api',
        requestedAt: new Date().toISOString(),
      },
      job,
    );
    expect(summary.deletions).toMatchObject({ listed: 2, enqueued: 2, invalid: 0 });
    expect(await waitingSouls(QueueName.index)).toEqual(['a:1', 'a:2']);
    await d.tombstones.put('did:gun:a:1', 5);
    await d.tombstones.put('did:gun:a:2', 5);
    const again = await discover(
      {
        scope: 'deletions',
        force: false,
        requestedBy: 'api',
        requestedAt: new Date().toISOString(),
      },
      job,
    );
    expect(again.deletions).toMatchObject({ listed: 2, enqueued: 0, invalid: 0 });
  });

  it('applies the record type filter to the types it scans', async () => {
    const registry = {
      post: [entry('a:1', 'node-a', 1)],
      notes: [entry('a:2', 'node-a', 1, 'notes')],
    };
    const discover = makeDiscover(
      deps(memoryRegistry(registry), {
        policy: policy({ typeFilter: { mode: 'blacklist', whitelist: [], blacklist: ['notes'] } }),
      }),
      createSilentLogger(),
    );
    const summary = await discover(
      { scope: 'all', force: false, requestedBy: 'api', requestedAt: new Date().toISOString() },
      job,
    );
    expect(summary).toMatchObject({ types: 1, enqueued: 1 });
  });

  const all = {
    scope: 'all',
    force: false,
    requestedBy: 'scheduler',
    requestedAt: '2026-11-21T12:00:00.000Z',
  } as const;

  /** A reconciliation hook that records what a scan feeds it and how the run ends. */
  const recordingHook = () => {
    const fed: string[] = [];
    const ended: string[] = [];
    const hook: NonNullable<DiscoverDeps['reconcile']> = {
      start: async () => ({
        addType: async (recordType) => void fed.push(recordType),
        finish: async () => {
          ended.push('report');
          return {} as ReconcileReport;
        },
        abort: async () => void ended.push('abort'),
      }),
      done: async (outcome) => void ended.push('error' in outcome ? 'error' : 'done'),
    };
    return { hook, fed, ended };
  };

  it('reports a reconciliation that could not run after a scan in which a type could not be read', async () => {
    const registry = memoryRegistry({ image: [], post: [entry('a:1', 'node-a', 1)] });
    const failing: GunRegistry = {
      ...registry,
      readTypeIndex: async (type) =>
        type === 'image'
          ? { status: 'error', error: new UpstreamError('SYNC_GUN_TIMEOUT', 'timed out') }
          : registry.readTypeIndex(type),
    };
    const { hook, ended } = recordingHook();
    const discover = makeDiscover(deps(failing, { reconcile: hook }), createSilentLogger());
    const summary = await discover(all, job);
    expect(ended).toEqual(['abort', 'error']);
    expect(summary).toMatchObject({ enqueued: 1, partialTypes: ['image'] });
  });

  it('enqueues what a partly unreadable type lists, keeps its mark and reports no reconciliation', async () => {
    const post = [entry('a:1', 'node-a', 1), entry('a:2', 'node-a', 1)];
    const gun: GunRegistry = {
      ...memoryRegistry({ post }),
      scanTypeIndex: async () => ({
        status: 'found',
        value: { entries: post, layout: 'legacy', mark: null, bucketsRead: 0, unreadable: 1 },
      }),
    };
    const marks = createScanMarks(connection, prefix);
    const { hook, fed, ended } = recordingHook();
    const discover = makeDiscover(
      deps(gun, { scanMarks: marks, reconcile: hook }),
      createSilentLogger(),
    );
    const summary = await discover(all, job);
    expect(fed).toEqual([]);
    expect(ended).toEqual(['abort', 'error']);
    expect(summary).toMatchObject({ enqueued: 2, unreadable: 1, partialTypes: ['post'] });
    expect(await waitingSouls(QueueName.transform)).toEqual(['a:1', 'a:2']);
    // No mark: the next scan reads the whole type again.
    expect(await marks.get('post')).toBeUndefined();
    const snapshot = await createStats(connection, prefix).snapshot(Date.now());
    expect(snapshot.skippedByReason['unreadable-entry']).toBe(1);
  });

  it('reports index fields garbled by the relay store in its summary and its log', async () => {
    const post = [entry('a:1', 'node-a', 1)];
    const gun: GunRegistry = {
      ...memoryRegistry({ post }),
      scanTypeIndex: async () => ({
        status: 'found',
        value: {
          entries: post,
          layout: 'legacy',
          mark: null,
          bucketsRead: 0,
          unreadable: 0,
          garbled: 2,
        },
      }),
    };
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({
      service: 'discovery-test',
      level: 'warn',
      destination: {
        write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
      },
    });
    const discover = makeDiscover(
      deps(gun, { scanMarks: createScanMarks(connection, prefix) }),
      log,
    );
    const summary = await discover(all, job);
    expect(summary).toMatchObject({ enqueued: 1, garbled: 2, partialTypes: [] });
    expect(lines).toContainEqual(expect.objectContaining({ recordType: 'post', garbled: 2 }));
  });
});
