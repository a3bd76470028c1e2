/**
 * Keeps GUN's in-memory graph (`root.graph`) under a byte budget: nodes are dropped least
 * recently used first once the estimate passes `maxBytes`. Only safe under a durable store
 * that answers every get (the sqlite adapter prunes only after a commit, so every dropped
 * field is on disk). The estimate counts what GUN keeps per node (keys, values, states, the
 * node's own metadata) and errs high: a field written twice is counted twice until its node is
 * dropped, so memory stays under the budget rather than over it.
 */

export interface GraphPruner {
  /** A field was written into the graph (counts its bytes, marks the node recently used). */
  noteWrite(soul: string, key: string, value: unknown): void;
  /** The node was read from memory (marks it recently used). */
  touch(soul: string): void;
  /** Drops least recently used nodes until the estimate is within the budget; returns how many. */
  prune(): number;
  /** Estimated bytes of the nodes tracked, and how many there are. */
  size(): { bytes: number; nodes: number };
}

const nodeOverheadBytes = 256;
const fieldOverheadBytes = 48;

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return 2 * value.length;
  if (typeof value === 'object' && value !== null) {
    const soul = (value as { '#'?: unknown })['#'];
    return 64 + (typeof soul === 'string' ? 2 * soul.length : 0);
  }
  return 8;
}

export function createGraphPruner(
  graph: Record<string, unknown>,
  { maxBytes }: { maxBytes: number },
): GraphPruner {
  // Map iteration order is insertion order: delete + set moves a node to the recent end.
  const nodes = new Map<string, number>();
  let total = 0;

  return {
    noteWrite(soul, key, value) {
      const known = nodes.get(soul);
      const added =
        (known === undefined ? nodeOverheadBytes + 2 * soul.length : 0) +
        fieldOverheadBytes +
        2 * key.length +
        valueBytes(value);
      if (known !== undefined) nodes.delete(soul);
      nodes.set(soul, (known ?? 0) + added);
      total += added;
    },
    touch(soul) {
      const known = nodes.get(soul);
      if (known === undefined) return;
      nodes.delete(soul);
      nodes.set(soul, known);
    },
    prune() {
      let dropped = 0;
      for (const [soul, bytes] of nodes) {
        if (total <= maxBytes) break;
        nodes.delete(soul);
        total -= bytes;
        delete graph[soul];
        dropped += 1;
      }
      return dropped;
    },
    size: () => ({ bytes: total, nodes: nodes.size }),
  };
}
