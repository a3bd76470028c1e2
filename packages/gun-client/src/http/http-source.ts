/**
 * A NodeSource over several relay HTTP APIs. Every read asks every peer at once (each request
 * bounded by the peer's timeout, so a relay that errors or hangs delays nothing past it) and
 * the newest answer wins (`newest.ts`): the relay API drops GUN's states, so a node known
 * whole (a record part, an index entry) is taken from the peer whose answer carries the newest
 * version of its own, and a node that grows by one field per registration (an index, a bucket)
 * is the union of every peer's fields, a field several hold taking the newer value. Each peer
 * is asked again while its answer is not whole or keeps growing: OIP's relay answers `/get`
 * from the first GUN callback and can return part of a node (spec §1.3). `perPeer` reads one
 * peer alone, for a record whose nodes must all come from the same relay.
 */
import type { NodeSink, NodeSource } from '../node-source.js';
import { found, notFound, readError } from '../read-result.js';
import type { GunNode, ReadResult } from '../types.js';
import type { PeerReadObserver } from '../peer-reads.js';
import type { HttpPeer } from './http-peer.js';
import { mergeFields, newestNode } from '../newest.js';
import { mergeIndexListings, type IndexListing } from '../index-listing.js';

/** Reads of one peer per node when its answer keeps growing. */
const maxReads = 3;

/** How one peer's answers to one read are put together. */
interface Reading<T> {
  get(peer: HttpPeer): Promise<ReadResult<T>>;
  /** The two answers together (a field both hold takes the later answer's value). */
  merge(earlier: T, later: T): T;
  size(value: T): number;
  /** Whole: no read again. Without it, read again until an answer adds nothing. */
  complete?: ((value: T) => boolean) | undefined;
}

async function readFromPeer<T>(
  peer: HttpPeer,
  reading: Reading<T>,
  observe: PeerReadObserver,
  sent: (requests: number) => void,
): Promise<ReadResult<T>> {
  let requests = 0;
  const get = async () => {
    sent(++requests);
    const answer = await reading.get(peer);
    observe(peer.baseUrl, answer.status);
    return answer;
  };
  const { complete } = reading;
  let result = await get();
  if (result.status !== 'found') return result;
  let value = result.value;
  for (let read = 1; read < maxReads; read++) {
    if (complete?.(value)) break;
    result = await get();
    if (result.status !== 'found') break;
    const before = reading.size(value);
    value = reading.merge(value, result.value);
    if (complete === undefined && reading.size(value) === before) break;
  }
  return found(value);
}

/** Found when any peer found the node; else the first peer's error; else not-found. */
function combine<T>(
  results: readonly ReadResult<T>[],
  choose: (nodes: T[]) => T | undefined,
): ReadResult<T> {
  const nodes = results.flatMap((r) => (r.status === 'found' ? [r.value] : []));
  const chosen = choose(nodes);
  if (chosen) return found(chosen);
  const failed = results.find((r) => r.status === 'error');
  return failed && failed.status === 'error' ? readError(failed.error) : notFound();
}

export function createHttpSource(
  peers: readonly HttpPeer[],
  observe: PeerReadObserver = () => {},
): NodeSource & NodeSink {
  /** Every peer's answer, each read again while it grows; the requests of the busiest reported. */
  async function readEveryPeer<T>(
    reading: Reading<T>,
    onRequests: ((count: number) => void) | undefined,
  ): Promise<ReadResult<T>[]> {
    let busiest = 0;
    const sent = (requests: number) => {
      busiest = Math.max(busiest, requests);
    };
    return Promise.all(peers.map((peer) => readFromPeer(peer, reading, observe, sent))).finally(
      () => onRequests?.(busiest),
    );
  }
  return {
    ...(peers.length > 1 ? { perPeer: peers.map((peer) => createHttpSource([peer])) } : {}),
    async readNode(soul, options = {}) {
      const { complete, signal } = options;
      const results = await readEveryPeer<GunNode>(
        {
          get: (peer) => peer.getNode(soul, signal),
          merge: (earlier, later) => ({ ...earlier, ...later }),
          size: (node) => Object.keys(node).length,
          complete,
        },
        options.onRequests,
      );
      if (!complete)
        return combine(results, (nodes) => (nodes.length ? mergeFields(nodes) : undefined));
      // A whole answer beats a part of one; of the whole ones, the newest.
      return combine(results, (nodes) => {
        const whole = nodes.filter((node) => complete(node));
        return newestNode(whole.length > 0 ? whole : nodes);
      });
    },
    async readIndex(soul, options = {}) {
      const results = await readEveryPeer<IndexListing>(
        {
          get: (peer) => peer.getIndex(soul, options.signal),
          merge: (earlier, later) => mergeIndexListings(soul, [earlier, later]),
          size: (listing) => listing.fields,
        },
        options.onRequests,
      );
      return combine(results, (listings) =>
        listings.length ? mergeIndexListings(soul, listings) : undefined,
      );
    },
    async putNode(soul, node, options = {}) {
      for (const peer of peers) await peer.putNode(soul, node, options.signal);
    },
  };
}
