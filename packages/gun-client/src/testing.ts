/**
 * Test support (not part of the runtime API; excluded from coverage): the golden vectors of spec/
 * and an in-memory NodeSource/NodeSink holding plain nodes by soul.
 */
import { found, notFound } from './read-result.js';
import type { NodeSink, NodeSource } from './node-source.js';
import type { GunNode } from './types.js';

export interface RegistryVector {
  nodes: Record<string, GunNode>;
  expectedDiscovery: { recordType: string; soul: string; nodeId: string; timestamp: number }[];
  expectedDeleted: string[];
}

export interface RecordsVector {
  cases: { name: string; soul: string; nodes: Record<string, GunNode> }[];
}

export { loadVector, type VectorName } from '../../../spec/vectors.js';

export interface MemoryGraph extends NodeSource, NodeSink {
  nodes: Record<string, GunNode>;
  reads: string[];
}

/** Nodes in a map; puts merge field by field like GUN; null fields read as absent. */
export function createMemoryGraph(initial: Record<string, GunNode> = {}): MemoryGraph {
  const nodes: Record<string, GunNode> = structuredClone(initial);
  const reads: string[] = [];
  const clean = (node: GunNode | undefined) =>
    Object.fromEntries(Object.entries(node ?? {}).filter(([, v]) => v !== null));
  return {
    nodes,
    reads,
    async readNode(soul) {
      reads.push(soul);
      const node = clean(nodes[soul]);
      return Object.keys(node).length > 0 ? found(node) : notFound();
    },
    async readField(soul, key) {
      reads.push(`${soul}.${key}`);
      const value = nodes[soul]?.[key];
      return value === undefined || value === null ? notFound() : found({ [key]: value });
    },
    async putNode(soul, node) {
      nodes[soul] = { ...nodes[soul], ...structuredClone(node) };
    },
  };
}
