/**
 * What the wire and HTTP implementations have in common: read one node, write one flat node.
 * Everything above (records, indexes, deletions, registrations) is built on these two.
 */
import type { IndexListing } from './index-listing.js';
import type { GunNode, ReadResult } from './types.js';

export interface NodeReadOptions {
  signal?: AbortSignal;
  /**
   * Says when an answer is whole. Without it the answer is confirmed (GUN may deliver a node in
   * parts, and OIP's relay answers from its first callback, spec §1.3): the wire waits for the
   * answers to settle, HTTP reads again until no field is added.
   */
  complete?: (node: GunNode) => boolean;
  /**
   * Called once the read is over with the number of requests it sent to its busiest peer (a
   * read may ask a peer again while the answer grows), for callers that keep a per-peer request
   * limit. Sources that send no countable requests (the wire) do not call it.
   */
  onRequests?: (count: number) => void;
}

export interface NodeSource {
  /** One node without `_` and without null fields; not-found when no peer has a field of it. */
  readNode(soul: string, options?: NodeReadOptions): Promise<ReadResult<GunNode>>;
  /**
   * One field of a node, for nodes too large to read back after each write (indexes). Only
   * sources that can ask for a single field implement it.
   */
  readField?(
    soul: string,
    key: string,
    options?: { signal?: AbortSignal },
  ): Promise<ReadResult<GunNode>>;
  /**
   * A type index node as a compact listing (`index-listing.ts`), where the source can read one
   * without holding the node whole (HTTP); others read the node (`readIndexListing`).
   */
  readIndex?(
    soul: string,
    options?: Pick<NodeReadOptions, 'signal' | 'onRequests'>,
  ): Promise<ReadResult<IndexListing>>;
  /**
   * The same reads against each peer alone, where this source combines several peers' answers
   * without GUN states (HTTP). A record's nodes are written together and must be read from one
   * peer: its version is in the root only, and nodes without one (an encrypted `data` envelope)
   * merged field by field from two relays would mix two versions.
   */
  readonly perPeer?: readonly NodeSource[];
}

export interface NodeSink {
  /** Writes the fields of one flat node (values: strings, numbers, booleans, null, links). */
  putNode(soul: string, node: GunNode, options?: { signal?: AbortSignal }): Promise<void>;
}

/**
 * Drops GUN's `_` metadata and null (tombstoned) fields. The node has no prototype: anyone can
 * write a `__proto__` field, and it must stay a field (assigning it to an ordinary object would
 * re-parent the node and make its fields look inherited to `in` checks).
 */
export function toCleanNode(raw: Record<string, unknown>): GunNode {
  const node = Object.create(null) as GunNode;
  for (const [key, value] of Object.entries(raw)) {
    if (key === '_' || value === null || value === undefined) continue;
    node[key] = value;
  }
  return node;
}
