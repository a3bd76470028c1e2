/**
 * Reads and writes single nodes over GUN's wire protocol with GUN's message API instead of
 * its chain API (`gun.get(soul).once`). The chain API keeps every node it ever read in
 * `root.graph` and a chain object per soul in `root.next`, so walking a large registry grows
 * the process without bound. Reads here leave nothing behind (see gun-ask.ts). Pushed updates
 * (after `announce`) do land in GUN's graph; they are reported to listeners and then dropped.
 */
import type { Logger } from '@sync/logging';
import type { NodeSink, NodeSource } from '../node-source.js';
import { askNode, randomMessageId, type AskTimings } from './gun-ask.js';
import { closeGun, countOpenPeers, createClientGun, type GunListener } from './gun-instance.js';
import { putGraph } from './gun-put.js';

export interface WireTimings extends AskTimings {
  /** Longest a write may wait for its first acknowledgement. */
  writeTimeoutMs: number;
}

export interface WireConnectionOptions extends WireTimings {
  peers: readonly string[];
  log: Logger;
}

export interface PutEvent {
  soul: string;
  key: string;
  value: unknown;
}

export interface WireConnection extends NodeSource, NodeSink {
  readField: NonNullable<NodeSource['readField']>;
  /** Fields GUN received and accepted (pushed updates), one call per field. */
  onPut(listener: (event: PutEvent) => void): () => void;
  /** Asks the peers for `souls` (again after every reconnect) so they push later changes. */
  announce(souls: readonly string[]): void;
  openPeers(): number;
  close(): Promise<void>;
}

const wholeNodeSettleMs = 150;

interface PutMessage {
  put: { '#': string; '.': string; ':': unknown; '>': number };
}

export function createWireConnection(options: WireConnectionOptions): WireConnection {
  const { peers, log } = options;
  const gun = createClientGun({ peers });
  const root = gun._;
  const putListeners = new Set<(event: PutEvent) => void>();
  const announced = new Set<string>();
  let sweep: Set<string> | null = null;
  let closing: Promise<void> | undefined;

  // Pushed fields: tell the listeners, then forget the node so the graph does not grow.
  root.on('put', function (this: GunListener, msg: PutMessage) {
    this.to.next(msg);
    const { '#': soul, '.': key, ':': value } = msg.put;
    for (const listener of putListeners) listener({ soul, key, value });
    if (!sweep) {
      const batch = (sweep = new Set());
      setImmediate(() => {
        sweep = null;
        for (const s of batch) delete root.graph[s];
      });
    }
    sweep.add(soul);
  });

  // Asks for a soul so peers push its later changes; the answer itself is not news.
  function askQuietly(soul: string): void {
    const id = randomMessageId();
    const listener = root.on(id, () => undefined);
    setTimeout(() => listener.off(), options.readTimeoutMs).unref();
    root.on('out', { get: { '#': soul }, '#': id });
  }

  root.on('hi', function (this: GunListener, peer: never) {
    this.to.next(peer);
    for (const soul of announced) askQuietly(soul);
  });

  return {
    // A node read whole (an index) waits longer for stragglers than a record part known complete.
    readNode: (soul, { signal, complete } = {}) =>
      askNode(root, {
        ...options,
        settleMs: complete ? options.settleMs : Math.max(options.settleMs, wholeNodeSettleMs),
        soul,
        direction: 'out',
        signal,
        complete,
      }),
    readField: (soul, key, { signal } = {}) =>
      askNode(root, {
        ...options,
        soul,
        key,
        direction: 'out',
        signal,
        complete: (node) => key in node,
      }),
    putNode: (soul, node, { signal } = {}) =>
      putGraph(
        root,
        { [soul]: node },
        { direction: 'out', timeoutMs: options.writeTimeoutMs, ack: true, inGraph: false, signal },
      ),
    onPut(listener) {
      putListeners.add(listener);
      return () => putListeners.delete(listener);
    },
    announce(souls) {
      for (const soul of souls) {
        if (announced.has(soul)) continue;
        announced.add(soul);
        askQuietly(soul);
      }
    },
    openPeers: () => countOpenPeers(root),
    close() {
      closing ??= (async () => {
        putListeners.clear();
        announced.clear();
        await closeGun(gun);
        log.debug({ peers: peers.length }, 'gun wire connection closed');
      })();
      return closing;
    },
  };
}
