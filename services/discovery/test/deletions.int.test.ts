// The deletion registry against a real Redis (BullMQ, tombstones, dead letters) and a real
// Elasticsearch (what is still indexed): a deletion's version is its deletedAt, a deletion is
// enqueued again while it is not applied (no tombstone as new, the document still there, the
// last delete failed), an un-delete clears the tombstone and brings the record back, and a
// deletion dated in the future is parked with a reason. GUN is a narrow in-memory fake here.
import type { Client } from '@elastic/elasticsearch';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEsClient } from '@sync/es-client';
import type { GunNode, GunRegistry, ReadResult } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { QueueName, connectRedis, createProducer, type Producer } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { createDeadLetters, createTombstones, type Tombstones } from '@sync/state';
import { makeDiscover, type DiscoverDeps } from '../src/discover.js';
import { makeIndexedVersions } from '../src/indexed-versions.js';
import { serviceUrls } from '../../../test/services.js';
import { discoverDeps } from './support.js';

const log = createSilentLogger();
const job = { id: 'job-1', updateProgress: async () => {} };
const now = new Date('2026-11-21T12:00:00.000Z');
const didOf = (soul: string) => `did:gun:${soul}`;
const mark = (deletedAt: unknown): GunNode => ({
  deletedAt,
  deletedBy: 'pub',
  timestamp: '2026-11-20T00:00:00.000Z',
});

/**
 * The deletion registry held in memory: `marks` are the entry nodes by DID; `listed` the DIDs
 * whose index field is true (default: every DID with a mark).
 */
function deletionRegistry(
  marks: Record<string, GunNode>,
  listed: string[] = Object.keys(marks),
): GunRegistry {
  const found = <T>(value: T): ReadResult<T> => ({ status: 'found', value });
  return {
    listRecordTypes: async () => [],
    readTypeIndex: async () => ({ status: 'not-found' }),
    readRecord: async () => ({ status: 'not-found' }),
    readDeleted: async () => found(listed),
    readDeletion: async (did) => (marks[did] ? found(marks[did]) : { status: 'not-found' }),
    subscribe: () => () => {},
    close: async () => {},
  };
}

describe('deletions against a real Redis and Elasticsearch', () => {
  let connection: Redis;
  let es: Client;
  let prefix: string;
  let esIndex: string;
  let transform: Producer<'sync.transform'>;
  let index: Producer<'sync.index'>;
  let tombstones: Tombstones;

  beforeAll(async () => {
    connection = await connectRedis(serviceUrls().redisUrl, 'producer');
    es = createEsClient({ url: serviceUrls().elasticsearchUrl });
  });
  afterAll(async () => {
    connection.disconnect();
    await es.close();
  });
  beforeEach(async () => {
    prefix = uniquePrefix();
    esIndex = `${prefix}-records`;
    await es.indices.create({ index: esIndex });
    transform = createProducer(QueueName.transform, { connection, prefix });
    index = createProducer(QueueName.index, { connection, prefix });
    tombstones = createTombstones(connection, prefix);
  });
  afterEach(async () => {
    await transform.close();
    await index.close();
    await obliterateAll(connection, prefix);
    await es.indices.delete({ index: esIndex, ignore_unavailable: true });
  });

  function deps(gun: GunRegistry, over: Partial<DiscoverDeps> = {}): DiscoverDeps {
    return discoverDeps(
      { connection, prefix, gun, transform, index },
      {
        now: () => now,
        deadLetters: createDeadLetters(connection, prefix),
        indexedVersions: makeIndexedVersions(es, esIndex),
        maxClockSkewMs: 60_000,
        ...over,
      },
    );
  }

  const scanDeletions = (gun: GunRegistry) =>
    makeDiscover(deps(gun), log)(
      { scope: 'deletions', force: false, requestedBy: 'api', requestedAt: now.toISOString() },
      job,
    );

  const waiting = async (queueName: string) => {
    const queue = new Queue(queueName, { connection, prefix });
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    await queue.close();
    return jobs.map((j) => j.data as Record<string, unknown>);
  };
  const deleteJobs = async () =>
    (await waiting(QueueName.index)).sort((a, b) => String(a.did).localeCompare(String(b.did)));

  const indexDoc = (soul: string, version: number) =>
    es.index({
      index: esIndex,
      id: didOf(soul),
      version,
      version_type: 'external',
      document: { oip: { did: didOf(soul) } },
      refresh: true,
    });

  it('versions a deletion by its deletedAt, the same on every node, not by when this node saw it', async () => {
    const deletedAt = Date.parse('2026-11-01T00:00:00.000Z');
    await scanDeletions(deletionRegistry({ [didOf('a:1')]: mark(deletedAt) }));
    expect(await deleteJobs()).toEqual([{ did: didOf('a:1'), soul: 'a:1', version: deletedAt }]);
  });

  it('enqueues a deletion again while its tombstone is older than its deletedAt', async () => {
    await tombstones.put(didOf('a:1'), 1_000);
    await tombstones.put(didOf('a:2'), 2_000);
    const summary = await scanDeletions(
      deletionRegistry({ [didOf('a:1')]: mark(2_000), [didOf('a:2')]: mark(2_000) }),
    );
    expect(summary.deletions).toMatchObject({ listed: 2, enqueued: 1 });
    expect(await deleteJobs()).toEqual([{ did: didOf('a:1'), soul: 'a:1', version: 2_000 }]);
  });

  it('enqueues a tombstoned deletion again while its document is still in the index, but not a newer republish', async () => {
    for (const soul of ['a:1', 'a:2', 'a:3']) await tombstones.put(didOf(soul), 2_000);
    await indexDoc('a:1', 1_500); // still there: the delete did not happen
    await indexDoc('a:2', 3_000); // republished after the deletion: newest wins
    const summary = await scanDeletions(
      deletionRegistry({
        [didOf('a:1')]: mark(2_000),
        [didOf('a:2')]: mark(2_000),
        [didOf('a:3')]: mark(2_000),
      }),
    );
    expect(summary.deletions).toMatchObject({ listed: 3, enqueued: 1 });
    expect(await deleteJobs()).toEqual([{ did: didOf('a:1'), soul: 'a:1', version: 2_000 }]);
  });

  it('enqueues a deletion again on the next scan once its delete job failed', async () => {
    const gun = deletionRegistry({ [didOf('a:1')]: mark(2_000) });
    await scanDeletions(gun);
    // An indexer whose delete fails for good: no tombstone is written.
    const workerConnection = await connectRedis(serviceUrls().redisUrl, 'worker');
    const worker = new Worker(
      QueueName.index,
      async () => {
        throw new UnrecoverableError('Elasticsearch rejected the delete');
      },
      { connection: workerConnection, prefix },
    );
    await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await worker.close();
    workerConnection.disconnect();
    expect(await deleteJobs()).toEqual([]);
    const again = await scanDeletions(gun);
    expect(again.deletions).toMatchObject({ listed: 1, enqueued: 1 });
    expect(await deleteJobs()).toEqual([{ did: didOf('a:1'), soul: 'a:1', version: 2_000 }]);
  });

  it('clears the tombstone of an un-deleted DID (index field null) and enqueues its record again', async () => {
    await tombstones.put(didOf('a:1'), 2_000);
    await tombstones.put(didOf('a:2'), 2_000);
    // a:1's field is null now: GUN and the relay leave null fields out of the index node.
    const summary = await scanDeletions(
      deletionRegistry({ [didOf('a:1')]: mark(2_000), [didOf('a:2')]: mark(2_000) }, [
        didOf('a:2'),
      ]),
    );
    expect(summary.deletions).toMatchObject({ listed: 1, enqueued: 0, undeleted: 1 });
    expect(await tombstones.get(didOf('a:1'))).toBeUndefined();
    expect(await tombstones.get(didOf('a:2'))).toBe(2_000);
    expect((await waiting(QueueName.transform)).map((d) => d.soul)).toEqual(['a:1']);
  });

  it('parks a deletion dated beyond now + the allowed clock skew with reason future-version', async () => {
    const far = Date.parse('2999-01-01T00:00:00.000Z');
    const near = now.getTime() + 30_000;
    const summary = await scanDeletions(
      deletionRegistry({ [didOf('a:1')]: mark(far), [didOf('a:2')]: mark(near) }),
    );
    expect(summary.deletions).toMatchObject({ listed: 2, enqueued: 1, rejected: 1 });
    expect(await deleteJobs()).toEqual([{ did: didOf('a:2'), soul: 'a:2', version: near }]);
    expect(await createDeadLetters(connection, prefix).get('a:1')).toMatchObject({
      stage: 'discover',
      reason: 'future-version',
    });
  });

  it('parks a deletion whose entry has no usable deletedAt with reason invalid-deletion', async () => {
    const summary = await scanDeletions(deletionRegistry({ [didOf('a:1')]: mark('soon') }));
    expect(summary.deletions).toMatchObject({ listed: 1, enqueued: 0, rejected: 1 });
    expect(await createDeadLetters(connection, prefix).get('a:1')).toMatchObject({
      stage: 'discover',
      reason: 'invalid-deletion',
    });
  });
});
