/**
 * Newest registration wins in registry v2 scans (issue 15, defect 4), against a real relay: a
 * soul registered in an old bucket and re-registered in a newer one, a legacy entry newer (and
 * one older) than the soul's v2 entry, and the same re-registration met by an incremental scan
 * whose mark has reached the old bucket, then passed it. Bucket nodes are written as the layout
 * of docs/registry-v2.md says, with chosen bucket keys, so which bucket holds what is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../../../services/gun-relay/test/support.js';
import { createSilentLogger } from '@sync/logging';
import { createGunRegistry, type GunClientMode, type GunRegistry } from '../src/index.js';
import { createHttpPeer, type HttpPeer } from '../src/http/http-peer.js';
import { encodeEntryValue, toBucketListSoul, toBucketSoul } from '../src/registry-v2.js';
import { toIndexEntrySoul, toIndexSoul, toLink } from '../src/souls.js';
import type { IndexEntry, TypeScan, TypeScanOptions } from '../src/types.js';

const log = createSilentLogger();
const t = (n: number) => 1761991200000 + n * 1000;
const entry = (soul: string, nodeId: string, timestamp: number): IndexEntry => ({
  recordType: 'post',
  soul,
  nodeId,
  timestamp,
});

/** Puts one v2 entry into bucket `key` (and lists the bucket), as a v2 writer does. */
async function putBucketEntry(
  peer: HttpPeer,
  root: string,
  key: string,
  { soul, nodeId, timestamp }: IndexEntry,
): Promise<void> {
  const bucket = toBucketSoul(root, 'post', key);
  await peer.putNode(bucket, { [soul]: encodeEntryValue(soul, nodeId ?? '', timestamp ?? 0) });
  await peer.putNode(toBucketListSoul(root, 'post'), { [key]: toLink(bucket) });
}

/** Puts one legacy index entry (child, then the index field), as OIP's registry does. */
async function putLegacyEntry(
  peer: HttpPeer,
  root: string,
  { soul, nodeId, timestamp }: IndexEntry,
): Promise<void> {
  const child = toIndexEntrySoul(root, 'post', soul);
  await peer.putNode(child, { soul, nodeId, timestamp });
  await peer.putNode(toIndexSoul(root, 'post'), { [soul]: toLink(child) });
}

const bySoul = (entries: IndexEntry[]) =>
  [...entries].sort((a, b) => (a.soul < b.soul ? -1 : a.soul > b.soul ? 1 : 0));

describe.each(['http', 'wire'] as const)('registry v2 newest entry per soul (%s)', (mode) => {
  let relay: TestRelay;
  let peer: HttpPeer;
  let reader: GunRegistry;
  const scan = async (root: string, options: TypeScanOptions = {}): Promise<TypeScan> => {
    const result = await reader.scanTypeIndex?.('post', { ...options });
    if (result?.status !== 'found') throw new Error(`scan ${result?.status ?? 'missing'}`);
    return { ...result.value, entries: bySoul(result.value.entries) };
  };

  beforeAll(async () => {
    relay = await startTestRelay({ store: 'memory' });
    peer = createHttpPeer({
      baseUrl: relay.url,
      concurrency: 2,
      timeoutMs: 5_000,
      maxResponseBytes: 1e6,
    });
  });
  afterAll(async () => {
    await reader?.close();
    peer?.close();
    await relay?.close();
  });

  const open = (root: string, m: GunClientMode = mode) => {
    void reader?.close();
    reader = createGunRegistry({
      mode: m,
      peers: [m === 'wire' ? `${relay.url}/gun` : relay.url],
      root,
      recordTypes: ['post'],
      readTimeoutMs: 5_000,
      concurrency: 4,
      log,
    });
    return root;
  };

  it('keeps the re-registration in the newer bucket, not the first registration in the older one', async () => {
    const root = open(`oip:registry-v2new-${mode}-a`);
    await putBucketEntry(peer, root, '1000_0', entry('pub:x', 'node-a', t(1)));
    await putBucketEntry(peer, root, '1000_0', entry('pub:y', 'node-a', t(2)));
    await putBucketEntry(peer, root, '2000_0', entry('pub:x', 'node-a', t(5)));
    const full = await scan(root);
    expect(full.entries).toEqual([entry('pub:x', 'node-a', t(5)), entry('pub:y', 'node-a', t(2))]);
    expect(full.mark).toBe('2000_0');
  });

  it('lets a newer legacy entry win over the v2 entry of the same soul, and an older one lose', async () => {
    const root = open(`oip:registry-v2new-${mode}-b`);
    await putBucketEntry(peer, root, '1000_0', entry('pub:x', 'node-a', t(1)));
    await putBucketEntry(peer, root, '1000_0', entry('pub:y', 'node-a', t(9)));
    await putLegacyEntry(peer, root, entry('pub:x', 'node-oip', t(7)));
    await putLegacyEntry(peer, root, entry('pub:y', 'node-oip', t(3)));
    await putLegacyEntry(peer, root, entry('pub:z', 'node-oip', t(4)));
    const full = await scan(root, { mergeLegacy: true });
    expect(full.entries).toEqual([
      entry('pub:x', 'node-oip', t(7)),
      entry('pub:y', 'node-a', t(9)),
      entry('pub:z', 'node-oip', t(4)),
    ]);
  });

  it('finds the re-registration in an incremental scan once the mark reached the old bucket, and after it passed it', async () => {
    const root = open(`oip:registry-v2new-${mode}-c`);
    await putBucketEntry(peer, root, '1000_0', entry('pub:x', 'node-a', t(1)));
    const first = await scan(root);
    expect(first.entries).toEqual([entry('pub:x', 'node-a', t(1))]);
    expect(first.mark).toBe('1000_0');

    // Re-registered in a newer bucket while another writer opened a newer one still.
    await putBucketEntry(peer, root, '2000_0', entry('pub:x', 'node-a', t(5)));
    await putBucketEntry(peer, root, '3000_0', entry('pub:w', 'node-b', t(6)));
    const second = await scan(root, { since: first.mark });
    expect(second.entries).toEqual([
      entry('pub:w', 'node-b', t(6)),
      entry('pub:x', 'node-a', t(5)),
    ]);
    expect(second.mark).toBe('3000_0');

    // The mark is past both buckets of pub:x now; a third registration is still found.
    await putBucketEntry(peer, root, '4000_0', entry('pub:x', 'node-b', t(8)));
    const third = await scan(root, { since: second.mark });
    expect(third.entries).toEqual([entry('pub:w', 'node-b', t(6)), entry('pub:x', 'node-b', t(8))]);
    expect(third.mark).toBe('4000_0');

    // And a full scan agrees with the newest the incremental scans reported.
    const full = await scan(root);
    expect(full.entries).toEqual([entry('pub:w', 'node-b', t(6)), entry('pub:x', 'node-b', t(8))]);
  });
});
