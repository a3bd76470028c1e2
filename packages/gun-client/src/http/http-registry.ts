/**
 * GunRegistry and RegistryWriter over the OIP relay HTTP API (`/get`, `/put`), directly or
 * through a node's `/gun-relay` proxy: one keep-alive pool per peer, links resolved with
 * follow-up `/get`s. Live updates are polled: the HTTP API has no push, and an index's fields
 * are links that never change, so polling reports new entries, not changed ones.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@sync/logging';
import { createEntryChanges } from '../entry-changes.js';
import { resolveIndexEntry, toIndexKeys } from '../graph-reader.js';
import { toHttpBase } from '../peers.js';
import { createRegistryReader } from '../registry-reader.js';
import { createRegistryWriter } from '../registry-writer.js';
import { toIndexSoul } from '../souls.js';
import type { GunRegistry, IndexEntry, RegistryWriter } from '../types.js';
import type { BucketSettings, RegistryLayout } from '../registry-v2.js';
import { createHttpPeer, type HttpPeer } from './http-peer.js';
import { createHttpSource } from './http-source.js';

export interface HttpRegistryOptions {
  /** Relay URLs as configured (`/gun`, a bare relay, or a `/gun-relay` proxy). */
  peers: readonly string[];
  root: string;
  deletedRoot: string;
  recordTypes: readonly string[];
  /** Sockets per peer, and reads in flight while resolving one index or record. */
  concurrency: number;
  readTimeoutMs: number;
  maxResponseBytes?: number;
  /** Pause between two polls of a subscription. */
  pollIntervalMs: number;
  log: Logger;
  maxTrackedEntries?: number;
}

function createPeers(options: {
  peers: readonly string[];
  concurrency: number;
  readTimeoutMs: number;
  maxResponseBytes?: number;
  writeToken?: string | undefined;
}): HttpPeer[] {
  return [...new Set(options.peers.map(toHttpBase))].map((baseUrl) =>
    createHttpPeer({
      baseUrl,
      concurrency: options.concurrency,
      timeoutMs: options.readTimeoutMs,
      maxResponseBytes: options.maxResponseBytes ?? 64 * 1024 * 1024,
      writeToken: options.writeToken,
    }),
  );
}

export function createHttpRegistry(options: HttpRegistryOptions): GunRegistry {
  const { root, log } = options;
  const peers = createPeers(options);
  const source = createHttpSource(peers);
  const reader = createRegistryReader({ ...options, source, typeHints: true });
  const subscriptions = new Set<AbortController>();
  let closing: Promise<void> | undefined;

  async function poll(
    recordTypes: readonly string[],
    onEntry: (entry: IndexEntry) => void,
    signal: AbortSignal,
  ) {
    const changes = createEntryChanges(options.maxTrackedEntries ?? 100_000);
    const known = new Map<string, Set<string>>();
    while (!signal.aborted) {
      for (const type of recordTypes) {
        if (signal.aborted) return;
        // One read per poll: a part-answer only delays an entry to the next poll.
        const index = await source.readNode(toIndexSoul(root, type), {
          signal,
          complete: () => true,
        });
        if (index.status === 'error') {
          log.warn({ err: index.error, recordType: type }, 'index poll failed');
          continue;
        }
        const keys = index.status === 'found' ? toIndexKeys(index.value) : [];
        const before = known.get(type);
        if (!before) {
          known.set(type, new Set(keys)); // the first poll is the baseline
          continue;
        }
        for (const key of keys) {
          if (before.has(key) || signal.aborted || index.status !== 'found') continue;
          before.add(key);
          const entry = await resolveIndexEntry(source, type, key, index.value[key], signal);
          if (entry.status === 'found' && changes.isNew(entry.value)) onEntry(entry.value);
          else if (entry.status === 'error')
            log.warn({ err: entry.error, recordType: type, soul: key }, 'index entry unreadable');
        }
      }
      await sleep(options.pollIntervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  return {
    ...reader,
    subscribe(recordTypes, onEntry) {
      const controller = new AbortController();
      subscriptions.add(controller);
      poll(recordTypes, onEntry, controller.signal)
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
