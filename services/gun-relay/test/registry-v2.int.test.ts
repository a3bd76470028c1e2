/**
 * Registry v2 against two real relays (writer on A, reader on B, peered over loopback): both
 * layouts written by default, v2 preferred, legacy fallback and merge for OIP-style (legacy
 * only) registrations, and an incremental scan that reads at most two bucket nodes when nothing
 * changed (counted at the relay's HTTP API through a counting proxy in front of relay B).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGunRegistry,
  createGunRegistryWriter,
  toBucketListSoul,
  type GunRegistry,
  type RegistryWriter,
  type TypeScan,
} from '@sync/gun-client';
import { log, startRelayPair } from './support.js';

const root = 'oip:registry-v2test';
const entries = 160;
const bucketMaxEntries = 40;

/** Forwards every request to `target` and records the souls of `/get`s. */
async function startCountingProxy(
  target: string,
): Promise<{ url: string; gets: string[]; server: Server }> {
  const gets: string[] = [];
  const base = new URL(target);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', target);
    if (url.pathname === '/get') gets.push(url.searchParams.get('soul') ?? '');
    const upstream = request(
      {
        host: base.hostname,
        port: base.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, gets, server };
}

const scanned = (
  result: Awaited<ReturnType<NonNullable<GunRegistry['scanTypeIndex']>>>,
): TypeScan => {
  if (result.status !== 'found') throw new Error(`scan ${result.status}`);
  return result.value;
};

// Not radisk: it makes every acknowledged /put wait for its write batch (~170 ms).
describe.each(['memory', 'sqlite'] as const)('registry v2 over two relays (%s store)', (store) => {
  let pair: Awaited<ReturnType<typeof startRelayPair>>;
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  let writer: RegistryWriter;
  let oipWriter: RegistryWriter;
  let reader: GunRegistry;

  beforeAll(async () => {
    pair = await startRelayPair({ store });
    proxy = await startCountingProxy(pair.b.url);
    const common = {
      mode: 'http' as const,
      peers: [pair.a.url],
      root,
      writeTimeoutMs: 10_000,
      readTimeoutMs: 5_000,
      log,
    };
    writer = createGunRegistryWriter({ ...common, bucketMaxEntries });
    oipWriter = createGunRegistryWriter({ ...common, layout: 'legacy' });
    reader = createGunRegistry({
      mode: 'http',
      peers: [proxy.url],
      root,
      recordTypes: ['post', 'image'],
      readTimeoutMs: 5_000,
      concurrency: 8,
      log,
    });
    const queue = Array.from({ length: entries }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift())
          await writer.register({
            recordType: 'post',
            soul: `pub:post-${String(i).padStart(4, '0')}`,
            creatorPubKey: 'key',
            nodeId: 'node-a',
            timestamp: 1761991200000 + i,
          });
      }),
    );
    // An OIP node registers through the legacy index only: one record in our type, one in its own.
    await oipWriter.register({
      recordType: 'post',
      soul: 'oip:post-legacy',
      creatorPubKey: 'k',
      nodeId: 'node-oip',
      timestamp: 1761991300000,
    });
    await oipWriter.register({
      recordType: 'image',
      soul: 'oip:image-1',
      creatorPubKey: 'k',
      nodeId: 'node-oip',
      timestamp: 1761991300001,
    });
  }, 120_000);

  afterAll(async () => {
    await reader?.close();
    await writer?.close();
    await oipWriter?.close();
    await new Promise((resolve) => proxy?.server.close(resolve));
    await pair?.close();
  });

  it('writes both layouts: the legacy index lists every entry, the buckets hold at most their size', async () => {
    const legacy = await reader.readTypeIndex('post');
    expect(legacy.status === 'found' && legacy.value.length).toBe(entries + 1);
    const scan = scanned(await reader.scanTypeIndex!('post'));
    expect(scan.layout).toBe('v2');
    expect(scan.entries).toHaveLength(entries);
    expect(scan.bucketsRead).toBe(1 + Math.ceil(entries / bucketMaxEntries));
    expect(scan.entries.find((e) => e.soul === 'pub:post-0007')).toEqual({
      recordType: 'post',
      soul: 'pub:post-0007',
      nodeId: 'node-a',
      timestamp: 1761991200007,
    });
  });

  it('discovers OIP-style (legacy only) registrations: fallback for its type, merge in a full scan of ours', async () => {
    const image = scanned(await reader.scanTypeIndex!('image'));
    expect(image.layout).toBe('legacy');
    expect(image.entries.map((e) => e.soul)).toEqual(['oip:image-1']);
    const merged = scanned(await reader.scanTypeIndex!('post', { mergeLegacy: true }));
    expect(merged.entries).toHaveLength(entries + 1);
    expect(merged.entries.find((e) => e.soul === 'oip:post-legacy')?.nodeId).toBe('node-oip');
  });

  it('reads at most two bucket nodes in an incremental scan when nothing changed, and new entries after', async () => {
    const full = scanned(await reader.scanTypeIndex!('post'));
    proxy.gets.length = 0;
    const again = scanned(await reader.scanTypeIndex!('post', { since: full.mark }));
    expect(again.bucketsRead).toBe(2);
    expect(new Set(proxy.gets)).toEqual(
      new Set([toBucketListSoul(root, 'post'), `${root}:v2:bucket:post:${full.mark}`]),
    );
    await writer.register({
      recordType: 'post',
      soul: 'pub:post-new',
      creatorPubKey: 'key',
      nodeId: 'node-a',
    });
    const later = scanned(await reader.scanTypeIndex!('post', { since: full.mark }));
    expect(later.entries.map((e) => e.soul)).toContain('pub:post-new');
    expect(later.bucketsRead).toBeLessThanOrEqual(3);
  });
});
