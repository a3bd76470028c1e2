/**
 * Reads in flight adapt to the relay (adaptive-limiter.ts): a real relay made slow on purpose
 * (every answer 10 × later than it would be, at most 4 requests worked on at a time) is read
 * with the largest setting there is, 256 reads in flight, as a transform pool of 256 would;
 * reads back off instead of queueing at the relay until they time out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGunRegistry, mapLimited } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { startTestRelay, type TestRelay } from '../../../services/gun-relay/test/support.js';
import { createPublisher } from '../../../test/support/oip-publisher.js';
import { seedRecords } from '../../../test/support/seed-records.js';
import { startSlowRelay, type SlowRelay } from '../../../test/support/slow-relay.js';

const records = 200;
let relay: TestRelay;
let slow: SlowRelay;

beforeAll(async () => {
  relay = await startTestRelay({ store: 'memory' });
  await seedRecords(relay.url, createPublisher(), records);
  // The relay answers a record in about 5 ms on this machine: 10 × that, 4 at a time.
  slow = await startSlowRelay(relay.url, { delayMs: 50, capacity: 4 });
});

afterAll(async () => {
  await slow?.close();
  await relay?.close();
});

describe('reads in flight against a slow relay', () => {
  it(
    'reads every record without a timeout, backing off below the configured maximum',
    { timeout: 180_000 },
    async () => {
      const gun = createGunRegistry({
        mode: 'http',
        peers: [slow.url],
        // 256 requests queued 4 at a time, 50 ms each, would wait 3.2 s: far past this timeout.
        readTimeoutMs: 2_000,
        concurrency: 256,
        log: createSilentLogger(),
      });
      try {
        const index = await gun.readTypeIndex('post');
        expect(index.status === 'error' ? String(index.error) : index.status).toBe('found');
        const entries = index.status === 'found' ? index.value : [];
        expect(entries).toHaveLength(records);
        const results = await mapLimited(entries, 256, (e) => gun.readRecord(e.soul));
        const errors = results.filter((r) => r.status === 'error');
        expect(errors).toEqual([]);
        expect(results.filter((r) => r.status === 'found')).toHaveLength(records);
        // Never anywhere near 256 queued at the relay: the fixed limiter queued every read there.
        // (The controller probes upwards while answers hold, so the peak varies from run to run
        // with the machine's load; 64 was reached on a loaded machine.)
        expect(slow.stats().maxQueued).toBeLessThan(128);
      } finally {
        await gun.close();
      }
    },
  );
});
