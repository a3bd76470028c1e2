/**
 * Resolves a record's GUN graph into plain JSON: follows links, drops GUN metadata (`_`) and
 * null fields (GUN's deletions, which the relay's `/get` drops too), and enforces the limits
 * that keep hostile input cheap: bytes read, nodes visited, nesting depth, no link cycles,
 * no `__proto__` keys.
 */
import { isPlainObject, ownValue, type JsonObject, type JsonValue } from './json.js';
import { isLink } from './record-graph.js';
import { RejectRecord } from './rejection.js';

export interface ReadLimits {
  maxBytes: number;
  maxDepth: number;
  maxNodes: number;
}

function byteSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch {
    throw new RejectRecord('invalid-record', 'a node is not JSON');
  }
}

export class GraphReader {
  readonly #nodes: Record<string, unknown>;
  readonly #limits: ReadLimits;
  readonly #onPath = new Set<string>();
  #bytes = 0;
  #visited = 0;

  constructor(nodes: unknown, limits: ReadLimits) {
    if (!isPlainObject(nodes)) throw new RejectRecord('invalid-record', 'nodes is not an object');
    this.#nodes = nodes;
    this.#limits = limits;
  }

  /** Bytes of every node read so far (their JSON size). */
  get bytes(): number {
    return this.#bytes;
  }

  /** A node's fields (metadata and nulls dropped), values still unresolved. */
  node(soul: string, missing: 'incomplete-record' | 'invalid-record'): Record<string, unknown> {
    const node = ownValue(this.#nodes, soul);
    if (node === undefined || node === null)
      throw new RejectRecord(missing, `node ${JSON.stringify(soul.slice(0, 200))} is missing`);
    if (!isPlainObject(node)) throw new RejectRecord('invalid-record', 'a node is not an object');
    this.#visited += 1;
    if (this.#visited > this.#limits.maxNodes)
      throw new RejectRecord('invalid-record', `more than ${this.#limits.maxNodes} nodes`);
    this.#bytes += byteSize(node);
    if (this.#bytes > this.#limits.maxBytes)
      throw new RejectRecord('too-large', `more than ${this.#limits.maxBytes} bytes`);
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '_' || value === null || value === undefined) continue;
      if (key === '__proto__') throw new RejectRecord('invalid-record', 'forbidden key __proto__');
      fields[key] = value;
    }
    return fields;
  }

  /** A field value with every link followed, as JSON. */
  resolve(value: unknown, depth = 0): JsonValue {
    if (depth > this.#limits.maxDepth)
      throw new RejectRecord('invalid-record', `nested deeper than ${this.#limits.maxDepth}`);
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
    if (typeof value === 'number') {
      if (!Number.isFinite(value))
        throw new RejectRecord('invalid-record', 'a number is not finite');
      return value;
    }
    if (Array.isArray(value)) return value.map((item) => this.resolve(item ?? null, depth + 1));
    if (isLink(value)) return this.resolveNode(value['#'], depth + 1);
    if (isPlainObject(value)) {
      const out: JsonObject = {};
      for (const [key, child] of Object.entries(value)) {
        if (key === '__proto__')
          throw new RejectRecord('invalid-record', 'forbidden key __proto__');
        if (child !== undefined) out[key] = this.resolve(child, depth + 1);
      }
      return out;
    }
    throw new RejectRecord('invalid-record', `a value is a ${typeof value}`);
  }

  resolveNode(soul: string, depth: number): JsonObject {
    if (this.#onPath.has(soul)) throw new RejectRecord('invalid-record', 'link cycle');
    this.#onPath.add(soul);
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(this.node(soul, 'incomplete-record')))
      out[key] = this.resolve(value, depth);
    this.#onPath.delete(soul);
    return out;
  }
}

/**
 * Checks parsed JSON (from a `data` or `oip` string) without recursion: nesting depth and
 * `__proto__` keys.
 */
export function checkJson(value: JsonValue, maxDepth: number): void {
  const stack: [JsonValue, number][] = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [current, depth] = item;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth)
      throw new RejectRecord('invalid-record', `nested deeper than ${maxDepth}`);
    if (Array.isArray(current)) {
      for (const child of current) stack.push([child, depth + 1]);
    } else {
      for (const key of Object.keys(current)) {
        if (key === '__proto__')
          throw new RejectRecord('invalid-record', 'forbidden key __proto__');
        stack.push([current[key] as JsonValue, depth + 1]);
      }
    }
  }
}
