/**
 * GunRegistry and RegistryWriter over the OIP relay HTTP API (`/get`, `/put`), directly or
 * through a node's `/gun-relay` proxy: one keep-alive pool per peer, links resolved with
 * follow-up `/get`s. Live updates are polled (the HTTP API has no push): new and changed
 * registrations and deletion marks, from gun-sync's recent-changes node and from the relay's
 * bookkeeping of OIP's legacy indexes, at a bounded cost per peer (`http-poller.ts`).
 */
import type { Logger } from '@sync/logging';
import { toHttpBase } from '../peers.js';
import { createRegistryReader } from '../registry-reader.js';
import { createRegistryWriter } from '../registry-writer.js';
import type { GunRegistry, RegistryWriter } from '../types.js';
import type { BucketSettings, RegistryLayout } from '../registry-v2.js';
import { createHttpPeer, type HttpPeer } from './http-peer.js';
import type { PeerReadObserver } from '../peer-reads.js';
import { createHttpSource } from './http-source.js';
import { defaultPollerSettings, runPoller, type PollerSettings } from './http-poller.js';

export interface HttpRegistryOptions {
  /** Relay URLs as configured (`/gun`, a bare relay, or a `/gun-relay` proxy). */
  peers: readonly string[];
  root: string;
  deletedRoot: string;
  recordTypes: readonly string[];
  /** Sockets per peer, and reads in flight while resolving one index or record. */
  concurrency: number;
  readTimeoutMs: number;
  /** GUN_MAX_NODE_BYTES: the largest answer read (default 32 MiB). */
  maxNodeBytes?: number;
  /** GUN_HTTP_MAX_INFLIGHT_BYTES: answer bytes being received at once per peer. */
  maxInflightBytes?: number;
  /** Longest pause between two polls of a subscription, when nothing changes. */
  pollIntervalMs: number;
  /** Pause between polls while changes arrive, and reads a minute (per peer); see http-poller.ts. */
  poll?: Partial<Omit<PollerSettings, 'maxIntervalMs'>>;
  log: Logger;
  maxTrackedEntries?: number;
  /** Told of every read with the relay that answered (sync_gun_reads_total). */
  onPeerRead?: PeerReadObserver | undefined;
}

/** GUN_MAX_NODE_BYTES's and GUN_HTTP_MAX_INFLIGHT_BYTES's defaults. */
export const defaultMaxNodeBytes = 32 * 1024 * 1024;
export const defaultMaxInflightBytes = 64 * 1024 * 1024;

function createPeers(options: {
  peers: readonly string[];
  concurrency: number;
  readTimeoutMs: number;
  maxNodeBytes?: number;
  maxInflightBytes?: number;
  writeToken?: string | undefined;
}): HttpPeer[] {
  return [...new Set(options.peers.map(toHttpBase))].map((baseUrl) =>
    createHttpPeer({
      baseUrl,
      concurrency: options.concurrency,
      timeoutMs: options.readTimeoutMs,
      maxResponseBytes: options.maxNodeBytes ?? defaultMaxNodeBytes,
      maxInflightBytes: options.maxInflightBytes ?? defaultMaxInflightBytes,
      writeToken: options.writeToken,
    }),
  );
}

export function createHttpRegistry(options: HttpRegistryOptions): GunRegistry {
  const { root, log } = options;
  const peers = createPeers(options);
  const source = createHttpSource(peers, options.onPeerRead);
  const reader = createRegistryReader({ ...options, source, typeHints: true });
  const subscriptions = new Set<AbortController>();
  let closing: Promise<void> | undefined;

  return {
    ...reader,
    subscribe(recordTypes, onEntry, onDeletions) {
      const controller = new AbortController();
      subscriptions.add(controller);
      runPoller({
        ...defaultPollerSettings,
        ...(options.maxTrackedEntries ? { maxTrackedKeys: options.maxTrackedEntries } : {}),
        ...options.poll,
        maxIntervalMs: options.pollIntervalMs,
        source,
        root,
        deletedRoot: options.deletedRoot,
        recordTypes,
        storedTypes: () => reader.storedRecordTypes(),
        onEntry,
        onDeletions,
        log,
        signal: controller.signal,
      })
        .catch((err: unknown) => log.error({ err }, 'index polling stopped'))
        .finally(() => subscriptions.delete(controller));
      return () => controller.abort();
    },
    close() {
      closing ??= (async () => {
        for (const controller of subscriptions) controller.abort();
        for (const peer of peers) peer.close();
      })();
      return closing;
    },
  };
}

export type HttpRegistryWriterOptions = Pick<
  HttpRegistryOptions,
  'peers' | 'root' | 'deletedRoot' | 'concurrency' | 'readTimeoutMs' | 'log'
> & {
  /** Bearer token the relay asks for on `/put` (GUN_RELAY_WRITE_TOKEN of our relay). */
  writeToken?: string | undefined;
  verify?: boolean;
  layout?: RegistryLayout;
  buckets?: BucketSettings;
};

/** Writes to every configured peer (this node's own relays) through `/put`. */
export function createHttpRegistryWriter(options: HttpRegistryWriterOptions): RegistryWriter {
  const peers = createPeers(options);
  const source = createHttpSource(peers);
  return createRegistryWriter({
    ...options,
    sink: source,
    source,
    close: async () => {
      for (const peer of peers) peer.close();
    },
  });
}
