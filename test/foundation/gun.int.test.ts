/**
 * Two in-process GUN peers that only know the relay: peer one writes a node, peer two reads it.
 * Neither peer has storage, multicast or AXE, so the node can only travel through the relay.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceUrls } from '../services.js';

interface GunAck {
  err?: string;
  ok?: unknown;
}

interface GunChain {
  put(data: Record<string, unknown>, ack?: (ack: GunAck) => void): GunChain;
  on(listener: (data: Record<string, unknown> | undefined, key: string) => void): GunChain;
  off(): GunChain;
}

interface GunPeer {
  url?: string;
  wire?: { close(): void; readyState?: number } | null;
  defer?: ReturnType<typeof setTimeout>;
}

interface Gun {
  get(soul: string): GunChain;
  _: { opt: { peers: Record<string, GunPeer> } };
}

// gun is CommonJS; requiring it registers its Node WebSocket adapter.
const require = createRequire(import.meta.url);
const createGun = require('gun') as (options: Record<string, unknown>) => Gun;

function withTimeout<T>(
  what: string,
  ms: number,
  run: (resolve: (value: T) => void, reject: (err: Error) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
    run(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Stops reconnecting and closes every socket of a peer so the test process can exit. */
function closeGun(gun: Gun): void {
  const peers = gun._.opt.peers;
  for (const [key, peer] of Object.entries(peers)) {
    delete peers[key]; // GUN only reconnects peers it still lists
    if (peer.defer) clearTimeout(peer.defer);
    peer.wire?.close();
    peer.wire = null;
  }
}

function openPeers(gun: Gun): string[] {
  return Object.values(gun._.opt.peers)
    .filter((peer) => peer.wire?.readyState === 1)
    .map((peer) => peer.url ?? '?');
}

describe('gun relay', () => {
  const { gunPeers, gunRelayUrl } = serviceUrls();
  const dirs = [mkdtempSync(join(tmpdir(), 'gun-peer-')), mkdtempSync(join(tmpdir(), 'gun-peer-'))];
  const peerOptions = {
    peers: gunPeers,
    multicast: false,
    stats: false,
    localStorage: false,
    axe: false,
    radisk: false,
  };
  const writer = createGun({ ...peerOptions, file: dirs[0] });
  const reader = createGun({ ...peerOptions, file: dirs[1] });

  afterAll(() => {
    closeGun(writer);
    closeGun(reader);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('carries a node from one peer to another through the relay', async () => {
    const soul = `test-foundation-${randomUUID()}`;
    const value = randomUUID();

    // The relay acknowledges the write: it has the node before the reader asks.
    const ack = await withTimeout<GunAck>('the relay to acknowledge the put', 10_000, (resolve) => {
      writer.get(soul).put({ field: value }, resolve);
    });
    expect(ack.err).toBeUndefined();

    const read = await withTimeout<string>('the reader to receive the node', 10_000, (resolve) => {
      const chain = reader.get(soul).on((data) => {
        if (data?.field === value) {
          chain.off();
          resolve(value);
        }
      });
    });

    expect(read).toBe(value);
    expect(openPeers(writer)).toEqual(gunPeers);
    expect(openPeers(reader)).toEqual(gunPeers);
    process.stdout.write(
      `[foundation] gun relay ${gunRelayUrl}: node ${soul} written by one peer, read by another\n`,
    );
  });
});
