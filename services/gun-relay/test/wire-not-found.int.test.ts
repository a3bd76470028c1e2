/**
 * A wire client asking any relay for a node nobody has gets not-found within its peer wait,
 * whatever the relay's store. A disk store answers a miss with an empty reply; a relay kept in
 * memory (GUN_RELAY_STORE=memory) has no store to do so, and GUN itself stays silent, so every
 * such read ran into the read timeout and was an error: in wire mode discovery's full scan
 * failed every type without a v2 bucket list, and the deletion registry read, and found nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGunRegistry, type GunRegistry } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { createPublisher } from '../../../test/support/oip-publisher.js';
import { seedRecords } from '../../../test/support/seed-records.js';
import { startTestRelay, type TestRelay } from './support.js';

describe.each(['memory', 'sqlite'] as const)('a missing node over the wire (%s relay)', (store) => {
  let relay: TestRelay;
  let gun: GunRegistry;

  beforeAll(async () => {
    relay = await startTestRelay({ store });
    await seedRecords(relay.url, createPublisher(), 20);
    gun = createGunRegistry({
      mode: 'wire',
      peers: [`${relay.url}/gun`],
      readTimeoutMs: 5_000,
      peerWaitMs: 400,
      concurrency: 16,
      recordTypes: ['post'],
      log: createSilentLogger(),
    });
  }, 60_000);

  afterAll(async () => {
    await gun?.close();
    await relay?.close();
  });

  it('is not-found, not a timeout', async () => {
    const started = Date.now();
    const missing = await gun.readDeleted();
    expect(missing.status === 'error' ? String(missing.error) : missing.status).toBe('not-found');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('lets a full scan of a type without v2 buckets fall back to its legacy index', async () => {
    const scan = await gun.scanTypeIndex?.('post', { mergeLegacy: true });
    expect(scan?.status === 'error' ? String(scan.error) : scan?.status).toBe('found');
    if (scan?.status === 'found') expect(scan.value.entries).toHaveLength(20);
  });

  it('still reads a node the relay has', async () => {
    const index = await gun.readTypeIndex('post');
    expect(index.status === 'found' ? index.value.length : index.status).toBe(20);
  });
});
