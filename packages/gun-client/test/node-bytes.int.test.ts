/**
 * GUN_MAX_NODE_BYTES over both transports, against a real relay (issue 16, defect 5): a node
 * larger than the limit is refused with SYNC_GUN_TOO_LARGE (HTTP: the answer's size; wire: the
 * fields gathered), and a legacy index child that large is skipped and counted as too large
 * while the rest of its type is listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../../../services/gun-relay/test/support.js';
import { createSilentLogger } from '@sync/logging';
import { createGunRegistry, type GunRegistry } from '../src/index.js';
import { createHttpPeer, type HttpPeer } from '../src/http/http-peer.js';
import { toIndexEntrySoul, toIndexSoul, toLink } from '../src/souls.js';

const log = createSilentLogger();
const maxNodeBytes = 65_536;

describe.each(['http', 'wire'] as const)('GUN_MAX_NODE_BYTES (%s)', (mode) => {
  let relay: TestRelay;
  let peer: HttpPeer;
  let reader: GunRegistry;
  const root = `oip:registry-bytes-${mode}`;

  beforeAll(async () => {
    relay = await startTestRelay();
    peer = createHttpPeer({
      baseUrl: relay.url,
      concurrency: 2,
      timeoutMs: 5_000,
      maxResponseBytes: 4e6,
    });
    reader = createGunRegistry({
      mode,
      peers: [mode === 'wire' ? `${relay.url}/gun` : relay.url],
      root,
      recordTypes: ['post'],
      readTimeoutMs: 5_000,
      concurrency: 4,
      maxNodeBytes,
      maxInflightBytes: maxNodeBytes,
      log,
    });
    for (const soul of ['pub:a', 'pub:big', 'pub:c']) {
      const child = toIndexEntrySoul(root, 'post', soul);
      // 20 fields of 5,000 characters: about 100 kB, over the limit on either transport.
      const padding =
        soul === 'pub:big'
          ? Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`pad${i}`, 'x'.repeat(5_000)]))
          : {};
      await peer.putNode(child, {
        soul,
        nodeId: 'node-a',
        timestamp: 1_762_000_000_000,
        ...padding,
      });
      await peer.putNode(toIndexSoul(root, 'post'), { [soul]: toLink(child) });
    }
  });
  afterAll(async () => {
    await reader?.close();
    peer?.close();
    await relay?.close();
  });

  // Over the wire a child read stops once its soul, nodeId and timestamp arrived (GUN streams a
  // node in parts), so only what was gathered counts; over HTTP the answer is the whole node.
  it.runIf(mode === 'http')(
    'skips an index child over the limit, counts it, and lists the rest of the type',
    async () => {
      const scan = await reader.scanTypeIndex?.('post');
      expect(scan?.status).toBe('found');
      if (scan?.status !== 'found') return;
      expect(scan.value.entries.map((e) => e.soul).sort()).toEqual(['pub:a', 'pub:c']);
      expect(scan.value.tooLarge).toBe(1);
      expect(scan.value.unreadable).toBe(0);
    },
  );

  it('refuses a node over the limit with SYNC_GUN_TOO_LARGE', async () => {
    const record = await reader.readRecord(toIndexEntrySoul(root, 'post', 'pub:big'));
    expect(record.status).toBe('error');
    if (record.status === 'error') expect(record.error.code).toBe('SYNC_GUN_TOO_LARGE');
  });
});
