/**
 * Newest wins across relays (issue 15, defect 3): two real relays that do not peer, relay 1
 * (first in the peer list, like a node's local relay holding OIP's stale copies) with an old
 * version of a record, of an index entry and of a v2 bucket field, relay 2 with the newer one.
 * Relay 2 sits behind a loopback proxy that holds its answers back a little, so "the first
 * answer" is always relay 1's: a reader that takes the first complete answer returns the stale
 * version, one that reads every relay returns the newer one. Over both transports.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestRelay,
  waitFor,
  type TestRelay,
} from '../../../services/gun-relay/test/support.js';
import { createSilentLogger } from '@sync/logging';
import { createGunRegistry, type GunClientMode, type GunRegistry } from '../src/index.js';
import { createHttpPeer, type HttpPeer } from '../src/http/http-peer.js';
import { toBucketListSoul, toBucketSoul, encodeEntryValue } from '../src/registry-v2.js';
import { toIndexEntrySoul, toIndexSoul, toLink } from '../src/souls.js';
import type { GunNode } from '../src/types.js';

const log = createSilentLogger();
/** How long relay 2's answers are held back: longer than a read settles, shorter than its peer wait. */
const answerDelayMs = 120;

/** A TCP proxy on 127.0.0.1 that forwards to `port` and delays every byte coming back. */
async function startDelayingProxy(port: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) =>
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
      }, answerDelayMs),
    );
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const root = 'oip:registry-newest';
/** A node only relay 2 holds: once a reader finds it, its connection to relay 2 is up. */
const onlyOnRelay2 = 'oip:registry-newest:relay-2';
const soul = 'a1b2c3d4e5f6:newest-001';
const oip = (indexedAt: string) =>
  JSON.stringify({
    did: `did:gun:${soul}`,
    recordType: 'post',
    indexedAt,
    ver: '0.8.0',
    creator: { didAddress: 'did:arweave:x', publicKey: 'k' },
  });
const stale = {
  oip: oip('2026-01-01T00:00:00.000Z'),
  data: JSON.stringify({ basic: { name: 'old' } }),
  created: 1767225600000,
  timestamp: 1767225600000,
};
const newer = {
  oip: oip('2026-02-01T00:00:00.000Z'),
  data: JSON.stringify({ basic: { name: 'new' } }),
  created: 1769904000000,
  timestamp: 1769904000000,
};

/** Writes one version of the record, its index entry and its v2 bucket field into one relay. */
async function seed(peer: HttpPeer, version: typeof stale): Promise<void> {
  const put = (s: string, node: GunNode) => peer.putNode(s, node);
  await put(`${soul}/meta`, { created: version.created, encrypted: false });
  await put(soul, { data: version.data, oip: version.oip, meta: toLink(`${soul}/meta`) });
  const entrySoul = toIndexEntrySoul(root, 'post', soul);
  await put(entrySoul, { soul, nodeId: 'node-a', timestamp: version.timestamp });
  await put(toIndexSoul(root, 'post'), { [soul]: toLink(entrySoul) });
  const bucket = toBucketSoul(root, 'post', '1000_0');
  await put(bucket, { [soul]: encodeEntryValue(soul, 'node-a', version.timestamp) });
  await put(toBucketListSoul(root, 'post'), { '1000_0': toLink(bucket) });
}

describe('reads take the newest version across relays', () => {
  let relay1: TestRelay;
  let relay2: TestRelay;
  let proxy: Awaited<ReturnType<typeof startDelayingProxy>>;

  beforeAll(async () => {
    relay1 = await startTestRelay({ store: 'memory' });
    relay2 = await startTestRelay({ store: 'memory' });
    proxy = await startDelayingProxy(Number(new URL(relay2.url).port));
    const writeTo = (url: string) =>
      createHttpPeer({ baseUrl: url, concurrency: 1, timeoutMs: 5_000, maxResponseBytes: 1e6 });
    const [peer1, peer2] = [writeTo(relay1.url), writeTo(relay2.url)];
    try {
      // Relay 1 first: its GUN states are older too.
      await seed(peer1, stale);
      await seed(peer2, newer);
      await peer2.putNode(onlyOnRelay2, { here: true });
    } finally {
      peer1.close();
      peer2.close();
    }
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await relay1?.close();
    await relay2?.close();
  });

  describe.each(['http', 'wire'] as const)('over %s', (mode: GunClientMode) => {
    let reader: GunRegistry;
    beforeAll(async () => {
      const proxied = `http://127.0.0.1:${proxy.port}`;
      const peer = (url: string) => (mode === 'wire' ? `${url}/gun` : url);
      reader = createGunRegistry({
        mode,
        peers: [peer(relay1.url), peer(proxied)],
        root,
        recordTypes: ['post'],
        readTimeoutMs: 5_000,
        // The bound on waiting for a relay that has not answered: far above the proxy's delay,
        // so a busy machine cannot make relay 2 miss it. Reads end when both relays answered.
        peerWaitMs: 3_000,
        concurrency: 4,
        log,
      });
      // The wire client dials both relays at start; read only once relay 2 is connected.
      await waitFor(
        async () => (await reader.readRecord(onlyOnRelay2)).status === 'found',
        10_000,
        'the reader to reach relay 2',
      );
    });
    afterAll(() => reader?.close());

    it('returns the newer record from the second relay, not the stale one from the first', async () => {
      const record = await reader.readRecord(soul);
      expect(record.status).toBe('found');
      if (record.status !== 'found') return;
      expect(record.value.nodes[soul]).toMatchObject({ oip: newer.oip, data: newer.data });
      expect(record.value.nodes[`${soul}/meta`]).toMatchObject({ created: newer.created });
    });

    it('returns the newer registration of an index entry', async () => {
      const index = await reader.readTypeIndex('post');
      expect(index).toEqual({
        status: 'found',
        value: [{ recordType: 'post', soul, nodeId: 'node-a', timestamp: newer.timestamp }],
      });
    });

    it('returns the newer entry of a v2 bucket field', async () => {
      const scan = await reader.scanTypeIndex?.('post');
      expect(scan?.status).toBe('found');
      if (scan?.status !== 'found') return;
      expect(scan.value.entries).toEqual([
        { recordType: 'post', soul, nodeId: 'node-a', timestamp: newer.timestamp },
      ]);
    });
  });
});
