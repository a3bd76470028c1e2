/**
 * Discovery over a real relay and a real Redis when anyone has written to the registry: index
 * children and deletion marks whose values no queue schema accepts. Each bad entry is counted
 * under its reason and skipped; the rest of its type, later types and the deletion scan still
 * run, and the scan's end is recorded.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  createGunRegistry,
  createGunRegistryWriter,
  type GunRegistry,
  type IndexEntry,
  type RegistryWriter,
} from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { QueueName, connectRedis, createProducer, type Producer } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { createScanMarks, createStats } from '@sync/state';
import { startTestRelay, type TestRelay } from '../../gun-relay/test/support.js';
import { makeDiscover } from '../src/discover.js';
import { startLiveSync } from '../src/live.js';
import { serviceUrls } from '../../../test/services.js';
import { putViaRelay } from '../../../test/support/oip-publisher.js';
import { discoverDeps } from './support.js';

const log = createSilentLogger();
const root = 'oip:registry-hostile';
const deletedRoot = 'oip:deleted-hostile';
const job = { id: 'job-hostile', updateProgress: async () => {} };
const at = 1_761_991_200_000;

/** Index children no transform job can carry, each under the reason discovery counts it as. */
const badChildren: { key: string; child: Record<string, unknown>; reason: string }[] = [
  {
    key: 'bad:fraction',
    child: { soul: 'bad:fraction', nodeId: 'node-a', timestamp: 1.5 },
    reason: 'bad-timestamp',
  },
  {
    key: 'bad:negative',
    child: { soul: 'bad:negative', nodeId: 'node-a', timestamp: -1 },
    reason: 'bad-timestamp',
  },
  {
    key: 'bad:huge',
    child: { soul: 'bad:huge', nodeId: 'node-a', timestamp: 1e300 },
    reason: 'bad-timestamp',
  },
  {
    key: 'bad:long-soul',
    child: { soul: `s${'x'.repeat(2000)}`, nodeId: 'node-a', timestamp: at },
    reason: 'bad-soul',
  },
  {
    key: 'bad:long-node',
    child: { soul: 'bad:long-node', nodeId: 'n'.repeat(200), timestamp: at },
    reason: 'bad-node-id',
  },
];

describe('discovery over a hostile registry', () => {
  let relay: TestRelay;
  let connection: Redis;
  let prefix: string;
  let transform: Producer<'sync.transform'>;
  let index: Producer<'sync.index'>;
  let writer: RegistryWriter;
  let gun: GunRegistry;

  beforeAll(async () => {
    relay = await startTestRelay({ store: 'memory' });
    connection = await connectRedis(serviceUrls().redisUrl, 'producer');
    prefix = uniquePrefix();
    transform = createProducer(QueueName.transform, { connection, prefix });
    index = createProducer(QueueName.index, { connection, prefix });
    const common = {
      mode: 'http' as const,
      peers: [relay.url],
      root,
      deletedRoot,
      writeTimeoutMs: 10_000,
      readTimeoutMs: 5_000,
      log,
    };
    writer = createGunRegistryWriter({ ...common, layout: 'legacy' });
    gun = createGunRegistry({ ...common, recordTypes: ['aaa', 'post', 'zeta'], concurrency: 8 });
    for (const [type, soul] of [
      ['aaa', 'pub:a-1'],
      ['post', 'pub:p-1'],
      ['post', 'pub:p-2'],
      ['zeta', 'pub:z-1'],
    ] as const)
      await writer.register({
        recordType: type,
        soul,
        creatorPubKey: 'k',
        nodeId: 'node-a',
        timestamp: at,
      });
    // Written the way anyone can: straight to the relay, a child and the index field linking it.
    for (const { key, child } of badChildren) {
      const childSoul = `${root}:index:post/${key}`;
      await putViaRelay(relay.url, { soul: childSoul, data: child });
      await putViaRelay(relay.url, {
        soul: `${root}:index:post`,
        data: { [key]: { '#': childSoul } },
      });
    }
    await writer.markDeleted('did:gun:pub:gone', 'node-a');
    await putViaRelay(relay.url, {
      soul: `${deletedRoot}:index`,
      data: { [`did:gun:${'d'.repeat(1200)}`]: true },
    });
  }, 60_000);

  afterAll(async () => {
    await gun?.close();
    await writer?.close();
    await transform?.close();
    await index?.close();
    if (connection) {
      await obliterateAll(connection, prefix);
      connection.disconnect();
    }
    await relay?.close();
  });

  const souls = async (queueName: string) => {
    const queue = new Queue(queueName, { connection, prefix });
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    await queue.close();
    return jobs.map((j) => (j.data as { soul: string }).soul).sort();
  };

  it('skips and counts malformed entries; good entries, later types and deletions still run', async () => {
    // The real clock: the deletion's deletedAt was written now, and a deletion dated after the
    // scan's clock (+ skew) would be parked as future-version.
    const deps = discoverDeps(
      { connection, prefix, gun, transform, index },
      { scanMarks: createScanMarks(connection, prefix), now: () => new Date() },
    );
    const summary = await makeDiscover(deps, log)(
      {
        scope: 'all',
        force: false,
        requestedBy: 'scheduler',
        requestedAt: new Date().toISOString(),
      },
      job,
    );
    expect(summary.errors).toEqual([]);
    expect(summary.invalid).toEqual({
      'bad-soul': 1,
      'bad-node-id': 1,
      'bad-timestamp': 3,
      'bad-record-type': 0,
    });
    expect(summary.enqueued).toBe(4);
    expect(await souls(QueueName.transform)).toEqual(['pub:a-1', 'pub:p-1', 'pub:p-2', 'pub:z-1']);
    expect(summary.deletions).toMatchObject({ listed: 2, enqueued: 1, invalid: 1, rejected: 0 });
    expect(await souls(QueueName.index)).toEqual(['pub:gone']);

    const snapshot = await createStats(connection, prefix).snapshot(Date.now());
    expect(snapshot.lastScanEndedAt).toBeDefined();
    expect(snapshot.skippedByReason).toMatchObject({
      'bad-timestamp': 3,
      'bad-soul': 1,
      'bad-node-id': 1,
      'bad-did': 1,
    });
  });

  it('live: a malformed pushed entry is skipped, the good entries of the same batch are enqueued', async () => {
    let push: ((entry: IndexEntry) => void) | undefined;
    const live = startLiveSync(
      {
        ...discoverDeps({ connection, prefix, gun, transform, index }),
        gun: { subscribe: (_types, onEntry) => ((push = onEntry), () => {}) },
        log,
        flushMs: 60_000,
        maxBuffered: 100,
      },
      ['post'],
    );
    const entry = (soul: string, timestamp: number): IndexEntry => ({
      recordType: 'post',
      soul,
      nodeId: 'node-a',
      timestamp,
    });
    push?.(entry('live:good-1', at));
    push?.(entry('live:bad', 1.5));
    push?.(entry('live:good-2', at));
    await live.close(); // flushes the buffer
    expect(await souls(QueueName.transform)).toEqual(
      expect.arrayContaining(['live:good-1', 'live:good-2']),
    );
    expect(await souls(QueueName.transform)).not.toContain('live:bad');
  });
});
