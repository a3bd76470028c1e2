/**
 * Discovery over a real relay and a real Redis with registry v2 marks: the first scan is full,
 * the next ones read only the buckets since the stored mark until a full scan is due, and a
 * full scan also finds records an OIP-style writer listed in the legacy index only, and a
 * soul re-registered in a newer bucket is enqueued with its newest registration.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  createGunRegistry,
  createGunRegistryWriter,
  toBucketListSoul,
  toBucketSoul,
  type GunRegistry,
  type RegistryWriter,
} from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { QueueName, connectRedis, createProducer, type Producer } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { createScanMarks, type ScanMarks } from '@sync/state';
import { call, startTestRelay, type TestRelay } from '../../gun-relay/test/support.js';
import { makeDiscover } from '../src/discover.js';
import { serviceUrls } from '../../../test/services.js';
import { discoverDeps } from './support.js';

const log = createSilentLogger();
const root = 'oip:registry-discover-v2';
const job = { id: 'job-v2', updateProgress: async () => {} };

describe('discovery with registry v2 marks', () => {
  let relay: TestRelay;
  let connection: Redis;
  let prefix: string;
  let transform: Producer<'sync.transform'>;
  let index: Producer<'sync.index'>;
  let writer: RegistryWriter;
  let oipWriter: RegistryWriter;
  let gun: GunRegistry;
  let marks: ScanMarks;
  let clock = Date.parse('2026-11-21T12:00:00.000Z');

  beforeAll(async () => {
    relay = await startTestRelay({ store: 'memory' });
    connection = await connectRedis(serviceUrls().redisUrl, 'producer');
    prefix = uniquePrefix();
    transform = createProducer(QueueName.transform, { connection, prefix });
    index = createProducer(QueueName.index, { connection, prefix });
    marks = createScanMarks(connection, prefix);
    const common = {
      mode: 'http' as const,
      peers: [relay.url],
      root,
      writeTimeoutMs: 10_000,
      readTimeoutMs: 5_000,
      log,
    };
    writer = createGunRegistryWriter({ ...common, bucketMaxEntries: 10 });
    oipWriter = createGunRegistryWriter({ ...common, layout: 'legacy' });
    gun = createGunRegistry({ ...common, recordTypes: ['post'], concurrency: 8 });
    for (let i = 0; i < 25; i++)
      await writer.register({
        recordType: 'post',
        soul: `pub:p-${i}`,
        creatorPubKey: 'k',
        nodeId: 'node-a',
        timestamp: 1761991200000 + i,
      });
  }, 60_000);

  afterAll(async () => {
    await gun?.close();
    await writer?.close();
    await oipWriter?.close();
    await transform?.close();
    await index?.close();
    if (connection) {
      await obliterateAll(connection, prefix);
      connection.disconnect();
    }
    await relay?.close();
  });

  const discover = (fullScanIntervalMs: number, force = false, recordType = 'post') => {
    const deps = discoverDeps(
      { connection, prefix, gun, transform, index },
      { chunkSize: 50, now: () => new Date(clock), scanMarks: marks, fullScanIntervalMs },
    );
    return makeDiscover(deps, log)(
      {
        scope: 'type',
        recordType,
        force,
        requestedBy: 'scheduler',
        requestedAt: new Date(clock).toISOString(),
      },
      job,
    );
  };

  it('scans fully first, then incrementally from the stored mark', async () => {
    const first = await discover(3_600_000);
    expect(first.discovered).toBe(25);
    expect(first.enqueued).toBe(25);
    const mark = await marks.get('post');
    expect(mark?.mark).toMatch(/^\d+_2$/);
    expect(mark?.fullScanAt).toBe(clock);

    clock += 60_000;
    const second = await discover(3_600_000);
    expect(second.discovered).toBe(5); // the newest bucket only
    expect(second.enqueued).toBe(0);
    expect((await marks.get('post'))?.fullScanAt).toBe(clock - 60_000);

    await writer.register({
      recordType: 'post',
      soul: 'pub:p-new',
      creatorPubKey: 'k',
      nodeId: 'node-a',
    });
    const third = await discover(3_600_000);
    expect(third.enqueued).toBe(1);
  });

  it('finds an OIP-style legacy-only registration in the next full scan', async () => {
    await oipWriter.register({
      recordType: 'post',
      soul: 'oip:legacy-1',
      creatorPubKey: 'k',
      nodeId: 'node-oip',
      timestamp: 1761991300000,
    });
    const incremental = await discover(3_600_000);
    expect(incremental.enqueued).toBe(0);
    clock += 3_600_000;
    const full = await discover(3_600_000);
    expect(full.discovered).toBe(27);
    expect(full.enqueued).toBe(1);
    expect((await marks.get('post'))?.fullScanAt).toBe(clock);
  });

  it('enqueues the re-registration in a newer bucket, also once the mark has passed that bucket', async () => {
    // Bucket nodes written as docs/registry-v2.md lays them out, with chosen keys.
    const put = async (key: string, soul: string, nodeId: string, timestamp: number) => {
      const bucket = toBucketSoul(root, 'note', key);
      const entry = JSON.stringify({ soul, nodeId, timestamp });
      expect(
        (await call('POST', `${relay.url}/put`, { soul: bucket, data: { [soul]: entry } })).status,
      ).toBe(200);
      const list = { soul: toBucketListSoul(root, 'note'), data: { [key]: { '#': bucket } } };
      expect((await call('POST', `${relay.url}/put`, list)).status).toBe(200);
    };
    await put('1000_0', 'pub:n-1', 'node-a', 1761991200000);
    await put('2000_0', 'pub:n-1', 'node-a', 1761991260000); // re-registered
    await put('3000_0', 'pub:n-2', 'node-a', 1761991320000);
    const registryTimestamp = async (soul: string) => {
      const queue = new Queue<{ soul: string; registryTimestamp?: number }>(QueueName.transform, {
        connection,
        prefix,
      });
      try {
        const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
        return jobs.find((job) => job.data.soul === soul)?.data.registryTimestamp;
      } finally {
        await queue.close();
      }
    };

    const full = await discover(3_600_000, false, 'note');
    expect(full.enqueued).toBe(2);
    expect(await registryTimestamp('pub:n-1')).toBe(1761991260000);
    expect((await marks.get('note'))?.mark).toBe('3000_0');

    // The mark has passed the re-registration's bucket: incremental scans read 3000_0 onwards.
    const incremental = await discover(3_600_000, false, 'note');
    expect(incremental.discovered).toBe(1);
    expect(incremental.enqueued).toBe(0);
    expect(await registryTimestamp('pub:n-1')).toBe(1761991260000);
  });
});
