/** Shared set-up for discovery's integration tests over a real Redis. */
import type { Redis } from 'ioredis';
import type { GunRegistry } from '@sync/gun-client';
import type { Producer } from '@sync/queues';
import {
  createDeadLetters,
  createEntrySpill,
  createStats,
  createTombstones,
  createWatermarks,
  stateKeys,
} from '@sync/state';
import type { DiscoverDeps } from '../src/discover.js';
import type { SyncPolicy } from '../src/policy.js';

/** Node node-b, trusting no other node and syncing every type; a test narrows it with `over`. */
export const testPolicy = (over: Partial<SyncPolicy> = {}): SyncPolicy => ({
  selfNodeId: 'node-b',
  trustedNodes: [],
  typeFilter: { mode: 'all', whitelist: [], blacklist: [] },
  ...over,
});

export interface DiscoverFixture {
  connection: Redis;
  prefix: string;
  gun: GunRegistry;
  transform: Producer<'sync.transform'>;
  index: Producer<'sync.index'>;
}

/**
 * Discovery's deps with its state (watermarks, tombstones, stats) in Redis under the test's
 * prefix, so every test file wires discovery the same way; `over` sets what a test varies.
 */
export function discoverDeps(
  { connection, prefix, gun, transform, index }: DiscoverFixture,
  over: Partial<DiscoverDeps> = {},
): DiscoverDeps {
  return {
    gun,
    transform,
    index,
    watermarks: createWatermarks(connection, prefix),
    tombstones: createTombstones(connection, prefix),
    deadLetters: createDeadLetters(connection, prefix),
    stats: createStats(connection, prefix),
    entrySpill: (scanId, recordType) =>
      createEntrySpill(connection, stateKeys(prefix).scanEntries(scanId, recordType), recordType),
    // No Elasticsearch by default: no document is indexed.
    indexedVersions: async () => new Map(),
    maxClockSkewMs: 300_000,
    policy: testPolicy(),
    chunkSize: 2,
    now: () => new Date('2026-11-21T12:00:00.000Z'),
    ...over,
  };
}
