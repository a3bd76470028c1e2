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
import type { NodeReadOptions, NodeSink, NodeSource } from '../node-source.js';
import { found, notFound, readError } from '../read-result.js';
import type { GunNode, ReadResult } from '../types.js';
import type { PeerReadObserver } from '../peer-reads.js';
import type { HttpPeer } from './http-peer.js';
import { mergeFields, newestNode } from '../newest.js';

/** Reads of one peer per node when its answer keeps growing. */
const maxReads = 3;

async function readFromPeer(
  peer: HttpPeer,
  soul: string,
  { signal, complete }: NodeReadOptions,
  observe: PeerReadObserver,
  sent: (requests: number) => void,
): Promise<ReadResult<GunNode>> {
  let requests = 0;
  const get = async () => {
    sent(++requests);
    const answer = await peer.getNode(soul, signal);
    observe(peer.baseUrl, answer.status);
    return answer;
  };
  let result = await get();
  if (result.status !== 'found') return result;
  let node = result.value;
  for (let read = 1; read < maxReads; read++) {
    if (complete?.(node)) break;
    result = await get();
    if (result.status !== 'found') break;
    const before = Object.keys(node).length;
    node = { ...node, ...result.value };
    if (complete === undefined && Object.keys(node).length === before) break;
  }
  return found(node);
}

/** Found when any peer found the node; else the first peer's error; else not-found. */
function combine(
  results: readonly ReadResult<GunNode>[],
  choose: (nodes: GunNode[]) => GunNode | undefined,
): ReadResult<GunNode> {
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
  return {
    ...(peers.length > 1 ? { perPeer: peers.map((peer) => createHttpSource([peer])) } : {}),
    async readNode(soul, options = {}) {
      let busiest = 0;
      const sent = (requests: number) => {
        busiest = Math.max(busiest, requests);
      };
      const results = await Promise.all(
        peers.map((peer) => readFromPeer(peer, soul, options, observe, sent)),
      ).finally(() => options.onRequests?.(busiest));
      const { complete } = options;
      if (!complete)
        return combine(results, (nodes) => (nodes.length ? mergeFields(nodes) : undefined));
      // A whole answer beats a part of one; of the whole ones, the newest.
      return combine(results, (nodes) => {
        const whole = nodes.filter((node) => complete(node));
        return newestNode(whole.length > 0 ? whole : nodes);
      });
    },
    async putNode(soul, node, options = {}) {
      for (const peer of peers) await peer.putNode(soul, node, options.signal);
    },
  };
}
