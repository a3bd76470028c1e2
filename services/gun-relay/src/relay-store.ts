/**
 * The relay's own reads and writes, through GUN's message API into its own graph: a read is
 * answered by memory, disk and peers together and is bounded in time (a soul nobody has is
 * not-found within `getWaitMs`, not after OIP's 3 s); a write is split into flat nodes like
 * `gun.get(soul).put(data)` does, and answered once the store acknowledged it (sqlite: committed;
 * radisk: written and in GUN's graph; memory: in GUN's graph).
 */
import type { GunNode, ReadResult } from '@sync/gun-client';
import {
  askNode,
  countOpenOutgoingPeers,
  putGraph,
  toLink,
  toRelayIndexSoul,
  type GunRoot,
} from '@sync/gun-client/gun';
import { toGunGraph, toRecordType } from './to-gun-graph.js';

/** Where the relay keeps GUN's graph (GUN_RELAY_STORE). */
export type RelayStoreKind = 'sqlite' | 'radisk' | 'memory';

export interface RelayStoreOptions {
  root: GunRoot;
  store: RelayStoreKind;
  getWaitMs: number;
  /** Longest a read waits for a node still arriving in parts (at least `getWaitMs`). */
  streamLimitMs?: number;
  putTimeoutMs: number;
  /** Quiet time after the last part of an answer. */
  settleMs?: number;
}

export interface RelayStore {
  readNode(soul: string, signal?: AbortSignal): Promise<ReadResult<GunNode>>;
  /** Stores `data` under `soul` and lists the soul in the bookkeeping node of its prefix. */
  put(soul: string, data: Record<string, unknown>, signal?: AbortSignal): Promise<void>;
  openPeers(): number;
}

export function createRelayStore({
  root,
  store,
  getWaitMs,
  streamLimitMs = Math.max(getWaitMs, 10_000),
  putTimeoutMs,
  settleMs = 30,
}: RelayStoreOptions): RelayStore {
  const durable = store !== 'memory';
  // Who answers a read: the store (a disk store, or GUN's memory answering its misses:
  // createServerGun) and each open peer.
  const expectedAnswers = () => 1 + countOpenOutgoingPeers(root);
  const write = (graph: Record<string, GunNode>, signal?: AbortSignal) =>
    putGraph(root, graph, {
      direction: 'in',
      timeoutMs: putTimeoutMs,
      ack: durable,
      // The sqlite store acknowledges after its commit and may drop the nodes from memory
      // right after: the commit is the proof, not the graph.
      inGraph: store !== 'sqlite',
      signal,
    });

  return {
    readNode(soul, signal) {
      return askNode(root, {
        soul,
        direction: 'in',
        readTimeoutMs: getWaitMs,
        peerWaitMs: getWaitMs,
        settleMs,
        signal,
        silenceIsNotFound: true,
        expectedAnswers,
        // A large node (a 1000-entry bucket, a legacy index) comes from radisk in several
        // parts, slower when many reads run at once: once it is arriving, let it finish; one
        // still arriving at the limit is a partial answer (an error), never the node.
        streamLimitMs,
      });
    },
    async put(soul, data, signal) {
      // One message with OIP's relay bookkeeping (spec §1.2), persisted only:
      // `index:<prefix>` → soul → `{recordType, storedAt}`.
      const bookSoul = toRelayIndexSoul(soul);
      const childSoul = `${bookSoul}/${soul}`;
      await write(
        {
          ...toGunGraph(soul, data),
          [childSoul]: { recordType: toRecordType(data), storedAt: Date.now() },
          [bookSoul]: { [soul]: toLink(childSoul) },
        },
        signal,
      );
    },
    openPeers: () => countOpenOutgoingPeers(root),
  };
}
