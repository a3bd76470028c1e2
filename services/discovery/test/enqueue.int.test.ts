/**
 * A full scan and a live flush that find the same registry entry at the same moment: the entry
 * is handed to the queue once. Both used to read it as changed before either raised its
 * watermark, so the record ran twice (for a record Elasticsearch refuses, one more dead-letter
 * attempt than any retry asked for: test/e2e/dead-letter-retry flaked that way in CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { IndexEntry } from '@sync/gun-client';
import { QueueName, connectRedis, createProducer, type Producer } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { createWatermarks } from '@sync/state';
import { serviceUrls } from '../../../test/services.js';
import { enqueueEntries } from '../src/enqueue.js';

describe('enqueueing the same entry from a scan and a live flush at once', () => {
  let connection: Redis;
  const prefix = uniquePrefix();
  let transform: Producer<'sync.transform'>;

  beforeAll(async () => {
    connection = await connectRedis(serviceUrls().redisUrl, 'producer');
    transform = createProducer(QueueName.transform, { connection, prefix });
  });
  afterAll(async () => {
    await transform.close();
    await obliterateAll(connection, prefix);
    connection.disconnect();
  });

  it('hands each (soul, version) to the queue once', async () => {
    const handed: string[] = [];
    const counting: Producer<'sync.transform'> = {
      ...transform,
      addBulk: (jobs) => {
        handed.push(...jobs.map((j) => `${j.data.soul}@${String(j.data.registryTimestamp)}`));
        return transform.addBulk(jobs);
      },
    };
    const deps = {
      transform: counting,
      watermarks: createWatermarks(connection, prefix),
      chunkSize: 100,
      now: () => new Date('2026-12-03T10:00:00.000Z'),
    };
    const entries: IndexEntry[] = Array.from({ length: 20 }, (_, i) => ({
      soul: `abcdefabcdef:same-${i}`,
      nodeId: 'node-a',
      timestamp: 1764756000000 + i,
      recordType: 'post',
    }));
    const [scan, live] = await Promise.all([
      enqueueEntries(deps, entries, { force: false, trigger: 'scan' }),
      enqueueEntries(deps, entries.slice(0, 10), { force: false, trigger: 'live' }),
    ]);
    expect(scan + live).toBe(20);
    expect(handed).toHaveLength(20);
    expect(new Set(handed).size).toBe(20);
  });
});
