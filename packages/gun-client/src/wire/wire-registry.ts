/**
 * GunRegistry and RegistryWriter over GUN's wire protocol: one GUN peer connected to the
 * configured relays' `/gun` endpoints. Live updates are GUN's pushes: the index nodes are
 * asked for once, relays then push every change, and each pushed field is reported and
 * dropped from GUN's graph.
 */
import type { Logger } from '@sync/logging';
import { createEntryChanges } from '../entry-changes.js';
import { resolveIndexEntry } from '../graph-reader.js';
import { toWirePeer } from '../peers.js';
import { createRegistryReader } from '../registry-reader.js';
import { createRegistryWriter } from '../registry-writer.js';
import { isLink, toIndexSoul, toIndexType, toLink } from '../souls.js';
import { UpstreamError } from '../errors.js';
import type { NodeSource } from '../node-source.js';
import type { PeerReadObserver } from '../peer-reads.js';
import type { GunRegistry, IndexEntry, RegistryWriter } from '../types.js';
import type { BucketSettings, RegistryLayout } from '../registry-v2.js';
import { createWireConnection, type WireConnection, type WireTimings } from './wire-connection.js';

export interface WireRegistryOptions extends WireTimings {
  /** Relay URLs as configured; `/gun-relay` proxies are skipped (they carry no WebSocket). */
  peers: readonly string[];
  root: string;
  deletedRoot: string;
  recordTypes: readonly string[];
  concurrency: number;
  log: Logger;
  /** Entries remembered to report each change once. */
  maxTrackedEntries?: number;
  /** Told of every node read; the wire merges all peers' answers, so the peer is "wire". */
  onPeerRead?: PeerReadObserver | undefined;
}

/** Subscription work waiting to be resolved; more than this at once is dropped with a warning. */
const maxPending = 10_000;

function connect(options: WireRegistryOptions): WireConnection {
  const peers: string[] = [];
  for (const peer of options.peers) {
    const wire = toWirePeer(peer);
    if (wire) peers.push(wire);
    else options.log.warn({ peer }, 'peer has no GUN websocket, skipped by the wire client');
  }
  if (peers.length === 0)
    throw new UpstreamError(
      'SYNC_GUN_UNAVAILABLE',
      'no peer with a GUN websocket (/gun) configured',
      { retryable: false },
    );
  return createWireConnection({ ...options, peers });
}

export function createWireRegistry(options: WireRegistryOptions): GunRegistry {
  const { root, log } = options;
  const connection = connect(options);
  const observe = options.onPeerRead;
  const source: NodeSource = observe
    ? {
        async readNode(soul, readOptions) {
          const result = await connection.readNode(soul, readOptions);
          observe('wire', result.status);
          return result;
        },
      }
    : connection;
  const reader = createRegistryReader({ ...options, source });
  const stopNoting = connection.onPut(({ soul }) => {
    const type = toIndexType(root, soul);
    if (type) reader.noteType(type);
  });
  let closing: Promise<void> | undefined;

  function subscribe(recordTypes: readonly string[], onEntry: (entry: IndexEntry) => void) {
    const indexes = new Map(recordTypes.map((type) => [toIndexSoul(root, type), type]));
    const changes = createEntryChanges(options.maxTrackedEntries ?? 100_000);
    const pending = new Map<string, { type: string; key: string; value: unknown }>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let active = true;

    const flush = async () => {
      timer = undefined;
      const batch = [...pending.values()];
      pending.clear();
      for (const { type, key, value } of batch) {
        if (!active) return;
        const result = await resolveIndexEntry(connection, type, key, value);
        if (result.status === 'error')
          log.warn({ err: result.error, recordType: type, soul: key }, 'index entry unreadable');
        else if (result.status === 'found' && active && changes.isNew(result.value))
          onEntry(result.value);
      }
    };
    const queue = (type: string, key: string, value: unknown) => {
      if (pending.size >= maxPending)
        return log.warn({ recordType: type }, 'subscription backlog full, entry dropped');
      pending.set(`${type}\u0000${key}`, { type, key, value });
      timer ??= setTimeout(() => void flush(), options.settleMs);
    };

    const stop = connection.onPut(({ soul, key, value }) => {
      const type = indexes.get(soul);
      if (type !== undefined) {
        if (isLink(value) || (typeof value === 'object' && value !== null)) queue(type, key, value);
        return;
      }
      for (const [indexSoul, indexType] of indexes) {
        if (soul.startsWith(`${indexSoul}/`))
          return queue(indexType, soul.slice(indexSoul.length + 1), toLink(soul));
      }
    });
    connection.announce([...indexes.keys()]);
    return () => {
      active = false;
      stop();
      clearTimeout(timer);
      pending.clear();
    };
  }

  return {
    ...reader,
    subscribe,
    close() {
      closing ??= (async () => {
        stopNoting();
        await connection.close();
      })();
      return closing;
    },
  };
}

export type WireRegistryWriterOptions = Omit<
  WireRegistryOptions,
  'recordTypes' | 'concurrency' | 'maxTrackedEntries'
> & { verify?: boolean; layout?: RegistryLayout; buckets?: BucketSettings };

export function createWireRegistryWriter(options: WireRegistryWriterOptions): RegistryWriter {
  const connection = connect({ ...options, recordTypes: [], concurrency: 1 });
  return createRegistryWriter({
    ...options,
    sink: connection,
    source: connection,
    bookkeeping: true,
    close: () => connection.close(),
  });
}
