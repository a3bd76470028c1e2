/**
 * Newest wins: the one policy every read uses to choose between versions of the same thing
 * (issue 15). Never the first answer, the first relay or the oldest bucket.
 *
 * - `hamPrefers`: two GUN states of one field (the wire carries them): the higher state wins,
 *   and on equal states the lexically larger JSON value, exactly GUN's HAM, so a reader ends
 *   with what a GUN peer holding every answer would hold.
 * - `nodeVersion`: the version a node carries itself, for answers without GUN states (the
 *   relay HTTP API drops `_`): a registry `timestamp`, a record's `oip.indexedAt`, a meta
 *   node's `created`, a deletion mark's `deletedAt`.
 * - `newestNode`: of several relays' answers for one node, the one with the newest version;
 *   answers that tie (or carry none) are merged field by field with `preferValue`.
 * - `newerEntry`: of two registry entries of one soul, the later registration.
 * - `newestGraph`: of several relays' copies of one record graph, the one whose root is newest,
 *   taken whole: its other nodes carry no version of their own and are never mixed.
 *
 * Pure functions: no I/O, no clock. Every choice is independent of the order of the inputs.
 */
import type { GunNode, IndexEntry, RecordGraph } from './types.js';

export interface StatedValue {
  value: unknown;
  state: number;
}

/** GUN's lexical form of a value (HAM compares `JSON.stringify` of both on equal states). */
const lexical = (value: unknown): string => JSON.stringify(value) ?? '';

/** True when `incoming` replaces `current` under GUN's HAM. */
export function hamPrefers(incoming: StatedValue, current: StatedValue): boolean {
  if (incoming.state !== current.state) return incoming.state > current.state;
  return lexical(incoming.value) > lexical(current.value);
}

/** Milliseconds since the epoch from a number, a digit string or an ISO date; else null. */
function toMillis(value: unknown): number | null {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && /^\d{1,16}$/.test(value)) ms = Number(value);
  else if (typeof value === 'string') ms = Date.parse(value);
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** An object, or a JSON string holding one (how `oip` and v2 entry values are stored). */
function asObject(value: unknown): Record<string, unknown> | null {
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/**
 * The version a node (or an object-valued field) carries itself, in ms; null when it carries
 * none (an encrypted `data` child, a legacy nested child, an index of links).
 */
export function nodeVersion(node: GunNode): number | null {
  if (typeof node.timestamp === 'number') return toMillis(node.timestamp);
  const indexedAt = toMillis(asObject(node.oip)?.indexedAt);
  if (indexedAt !== null) return indexedAt;
  return toMillis(node.created) ?? toMillis(node.deletedAt);
}

const compareVersions = (a: number | null, b: number | null): number =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : a - b;

/**
 * Of two values of one field without GUN states: the one with the newer version of its own (a
 * v2 entry value's `timestamp`, an `oip` string's `indexedAt`), else the lexically larger JSON
 * (GUN's rule for equal states).
 */
export function preferValue(a: unknown, b: unknown): unknown {
  if (a === b) return a;
  const objectA = asObject(a);
  const objectB = asObject(b);
  const byVersion = compareVersions(
    objectA ? nodeVersion(objectA) : null,
    objectB ? nodeVersion(objectB) : null,
  );
  if (byVersion !== 0) return byVersion > 0 ? a : b;
  return lexical(a) >= lexical(b) ? a : b;
}

/** Every field of every node; a field several nodes hold takes `preferValue` of them. */
export function mergeFields(nodes: readonly GunNode[]): GunNode {
  // No prototype, as toCleanNode: a `__proto__` field stays a field.
  const merged = Object.create(null) as GunNode;
  for (const node of nodes) {
    for (const [field, value] of Object.entries(node)) {
      merged[field] = Object.hasOwn(merged, field) ? preferValue(merged[field], value) : value;
    }
  }
  return merged;
}

/**
 * One node from several relays' answers: the answers with the newest `nodeVersion` (answers
 * without a version lose to any with one), merged field by field when several tie.
 */
export function newestNode(nodes: readonly GunNode[]): GunNode | undefined {
  if (nodes.length <= 1) return nodes[0];
  const versions = nodes.map(nodeVersion);
  const newest = versions.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  return mergeFields(nodes.filter((_, i) => versions[i] === newest));
}

/**
 * Of two entries of one soul, the later registration: the greater `timestamp` (an entry without
 * one loses), ties broken by the larger `nodeId` so the choice never depends on read order.
 */
export function newerEntry(a: IndexEntry, b: IndexEntry): IndexEntry {
  const byTime = compareVersions(a.timestamp, b.timestamp);
  if (byTime !== 0) return byTime > 0 ? a : b;
  return (a.nodeId ?? '') >= (b.nodeId ?? '') ? a : b;
}

/** Adds `entry` to `entries` (one per soul), keeping the newer of it and the one there. */
export function keepNewest(entries: Map<string, IndexEntry>, entry: IndexEntry): void {
  const known = entries.get(entry.soul);
  entries.set(entry.soul, known ? newerEntry(known, entry) : entry);
}

/**
 * One record graph from several relays' copies: whole roots (`whole`) before partial ones, then
 * the newest root `nodeVersion`, then the copy with more nodes, then the lexically larger one.
 * A copy is taken as it is, never merged with another.
 */
export function newestGraph(
  graphs: readonly RecordGraph[],
  whole: (root: GunNode) => boolean,
): RecordGraph | undefined {
  const rank = (graph: RecordGraph) => {
    const root = graph.nodes[graph.soul];
    return {
      whole: root !== undefined && whole(root),
      version: root ? nodeVersion(root) : null,
      size: Object.keys(graph.nodes).length,
      lexical: lexical(graph.nodes),
    };
  };
  const better = (a: ReturnType<typeof rank>, b: ReturnType<typeof rank>): boolean => {
    if (a.whole !== b.whole) return a.whole;
    const byVersion = compareVersions(a.version, b.version);
    if (byVersion !== 0) return byVersion > 0;
    if (a.size !== b.size) return a.size > b.size;
    return a.lexical > b.lexical;
  };
  let best: { graph: RecordGraph; rank: ReturnType<typeof rank> } | undefined;
  for (const graph of graphs) {
    const r = rank(graph);
    if (!best || better(r, best.rank)) best = { graph, rank: r };
  }
  return best?.graph;
}
