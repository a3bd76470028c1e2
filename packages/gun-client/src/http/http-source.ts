/**
 * A NodeSource over several relay HTTP APIs. Nodes known to be whole when complete (record
 * parts) are read from the peers in order until one has them. Nodes that grow by one field
 * per registration (indexes) are read from every peer and merged, and each peer is asked
 * again while its answer keeps growing: OIP's relay answers `/get` from the first GUN
 * callback and can return part of a node (spec §1.3).
 */
import type { NodeReadOptions, NodeSink, NodeSource } from '../node-source.js';
import { found, notFound, readError } from '../read-result.js';
import type { GunNode, ReadResult } from '../types.js';
import type { PeerReadObserver } from '../peer-reads.js';
import type { HttpPeer } from './http-peer.js';

/** Reads of one peer per node when its answer keeps growing. */
const maxReads = 3;

async function readFromPeer(
  peer: HttpPeer,
  soul: string,
  { signal, complete }: NodeReadOptions,
  observe: PeerReadObserver,
): Promise<ReadResult<GunNode>> {
  const get = async () => {
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

export function createHttpSource(
  peers: readonly HttpPeer[],
  observe: PeerReadObserver = () => {},
): NodeSource & NodeSink {
  return {
    async readNode(soul, options = {}) {
      if (options.complete) {
        let firstError: ReadResult<GunNode> | undefined;
        for (const peer of peers) {
          const result = await readFromPeer(peer, soul, options, observe);
          if (result.status === 'found') return result;
          if (result.status === 'error') firstError ??= result;
        }
        return firstError ?? notFound();
      }
      const results = await Promise.all(
        peers.map((peer) => readFromPeer(peer, soul, options, observe)),
      );
      let merged: GunNode | undefined;
      for (const result of results) {
        if (result.status === 'found') merged = { ...result.value, ...merged };
      }
      if (merged) return found(merged);
      const failed = results.find((r) => r.status === 'error');
      return failed && failed.status === 'error' ? readError(failed.error) : notFound();
    },
    async putNode(soul, node, options = {}) {
      for (const peer of peers) await peer.putNode(soul, node, options.signal);
    },
  };
}
