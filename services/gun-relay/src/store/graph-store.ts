/**
 * What the relay asks of a durable store under GUN: every field of every node with its GUN
 * state, written in durable batches and read back by node. The store applies GUN's conflict
 * rule (HAM) itself, so a node GUN has dropped from memory can never be overwritten by an
 * older write arriving later.
 */

/** A field value as GUN stores it: a string, number, boolean, null or a link `{"#": soul}`. */
export type GunValue = string | number | boolean | null | { '#': string };

export interface StoredField {
  key: string;
  value: GunValue;
  /** GUN's HAM state (milliseconds, may carry a fraction). */
  state: number;
}

export interface FieldWrite extends StoredField {
  soul: string;
}

/** What became of one write: kept, or refused because the store holds `current`, which wins. */
export type WriteOutcome = { kept: true } | { kept: false; current: StoredField };

/** Which keys of a node a read wants: one key, a prefix, a range, or all of them. */
export interface KeyFilter {
  equals?: string;
  prefix?: string;
  /** Inclusive bounds, as GUN's lex `'>'` and `'<'`. */
  from?: string;
  to?: string;
}

export interface GraphStore {
  /** Writes every field in one transaction, durable when this returns; outcomes in input order. */
  write(fields: readonly FieldWrite[]): WriteOutcome[];
  /** The node's fields (all, or those the filter selects); empty when the store has none. */
  readNode(soul: string, filter?: KeyFilter): StoredField[];
  /** How many nodes the store holds (a full scan: imports and benchmarks only). */
  countNodes(): number;
  /** Idempotent. */
  close(): void;
}

/**
 * GUN's HAM for two writes of the same field at or below the current time: the higher state
 * wins; at equal states the value whose JSON text sorts higher wins (gun/src/root.js `ham`).
 */
export function isNewerField(
  incoming: { value: GunValue; state: number },
  current: { value: GunValue; state: number },
): boolean {
  if (incoming.state !== current.state) return incoming.state > current.state;
  return JSON.stringify(incoming.value) > JSON.stringify(current.value);
}
