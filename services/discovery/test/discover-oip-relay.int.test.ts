/**
 * Full scans against a relay that behaves like OIP's (a missing soul answered after a wait,
 * index entries as unresolved links), over the relay HTTP API with OIP's 37 default types and
 * a handful of records: types are read at the same time, a type costs at most one not-found
 * wait per scan, and types the relay's bookkeeping says were never stored are not read at all
 * (unless the scan is forced). Counted at a proxy in front of the relay, not by the clock.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  createGunRegistry,
  createGunRegistryWriter,
  type GunRegistry,
  type RegistryWriter,
} from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { QueueName, connectRedis, createProducer, type Producer } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { createScanMarks } from '@sync/state';
import {
  countWaits,
  startCountingProxy,
  type CountingProxy,
  type ProxiedRequest,
} from '../../gun-relay/test/counting-proxy.js';
import { startTestRelay, type TestRelay } from '../../gun-relay/test/support.js';
import { makeDiscover } from '../src/discover.js';
import { oipDefaultRecordTypes } from '../src/oip-record-types.js';
import { serviceUrls } from '../../../test/services.js';
import { discoverDeps } from './support.js';

const log = createSilentLogger();
const job = { id: 'job-oip-relay', updateProgress: async () => {} };
const notFoundWaitMs = 1000;

/** The record type a registry read is about (index, its children, v2 list and buckets). */
function typeOf(soul: string | null): string | null {
  const match = /^oip:registry:(?:index|v2:buckets|v2:bucket):([A-Za-z0-9_]+)/.exec(soul ?? '');
  return match?.[1] ?? null;
}

function byType(requests: readonly ProxiedRequest[]): Map<string, ProxiedRequest[]> {
  const out = new Map<string, ProxiedRequest[]>();
  for (const r of requests) {
    const type = typeOf(r.soul);
    if (type) out.set(type, [...(out.get(type) ?? []), r]);
  }
  return out;
}

describe('full scans against an OIP-behaviour relay', () => {
  let relay: TestRelay;
  let proxy: CountingProxy;
  let connection: Redis;
  let prefix: string;
  let transform: Producer<'sync.transform'>;
  let index: Producer<'sync.index'>;
  let writer: RegistryWriter;
  let oipWriter: RegistryWriter;
  let gun: GunRegistry;

  beforeAll(async () => {
    relay = await startTestRelay({
      store: 'memory',
      behaviour: { notFoundWaitMs, resolveLinks: false },
    });
    proxy = await startCountingProxy(relay.url);
    connection = await connectRedis(serviceUrls().redisUrl, 'producer');
    prefix = uniquePrefix();
    transform = createProducer(QueueName.transform, { connection, prefix });
    index = createProducer(QueueName.index, { connection, prefix });
    const common = {
      mode: 'http' as const,
      peers: [relay.url],
      writeTimeoutMs: 10_000,
      readTimeoutMs: 10_000,
      log,
    };
    writer = createGunRegistryWriter(common);
    oipWriter = createGunRegistryWriter({ ...common, layout: 'legacy' });
    gun = createGunRegistry({
      ...common,
      peers: [proxy.url],
      recordTypes: oipDefaultRecordTypes,
      concurrency: 32,
    });
    for (const [type, soul, w] of [
      ['post', 'pub:p-1', writer],
      ['post', 'pub:p-2', writer],
      ['recipe', 'pub:r-1', writer],
      ['image', 'pub:i-1', oipWriter],
    ] as const)
      await w.register({ recordType: type, soul, creatorPubKey: 'k', nodeId: 'node-a' });
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
    await proxy?.close();
    await relay?.close();
  });

  const souls = async () => {
    const queue = new Queue(QueueName.transform, { connection, prefix });
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    await queue.close();
    return jobs.map((j) => (j.data as { soul: string }).soul).sort();
  };

  const scan = (force: boolean) => {
    proxy.reset();
    const deps = discoverDeps(
      { connection, prefix, gun, transform, index },
      { chunkSize: 50, scanMarks: createScanMarks(connection, prefix) },
    );
    return makeDiscover(deps, log)(
      { scope: 'all', force, requestedBy: 'scheduler', requestedAt: new Date().toISOString() },
      job,
    );
  };

  it('reads only the types the relay stored, each with at most one not-found wait', async () => {
    const summary = await scan(false);
    expect(summary.errors).toEqual([]);
    expect(summary.partialTypes).toEqual([]);
    expect(summary.enqueued).toBe(4);
    expect(await souls()).toEqual(['pub:i-1', 'pub:p-1', 'pub:p-2', 'pub:r-1']);

    const requests = proxy.records();
    const types = byType(requests);
    expect([...types.keys()].sort()).toEqual(['image', 'post', 'recipe']);
    for (const [type, reads] of types)
      expect(countWaits(reads.filter((r) => r.status === 404)), type).toBeLessThanOrEqual(1);
    // The deletion index is missing too: the whole scan waits at most twice.
    expect(countWaits(requests.filter((r) => r.status === 404))).toBeLessThanOrEqual(2);
  }, 60_000);

  it('a forced scan reads every type, at the same time, still one wait per type', async () => {
    const summary = await scan(true);
    expect(summary.errors).toEqual([]);
    expect(summary.types).toBe(oipDefaultRecordTypes.length);
    const requests = proxy.records();
    const types = byType(requests);
    expect(types.size).toBe(oipDefaultRecordTypes.length);
    for (const [type, reads] of types)
      expect(countWaits(reads.filter((r) => r.status === 404)), type).toBeLessThanOrEqual(1);
    // 34 missing types read 16 at a time: three rounds of waits, not 68 waits in a row.
    expect(countWaits(requests.filter((r) => r.status === 404))).toBeLessThanOrEqual(4);
  }, 120_000);
});
