/**
 * The recent-registrations node (docs/registry-v2.md, "Recent changes"): one small GUN node,
 * `<root>:v2:recent`, where gun-sync's registry writer notes each registration and deletion
 * mark it writes, beside the legacy and v2 layouts. A peer that polls over the relay HTTP API
 * reads this one node instead of every type's index to learn what is new or changed.
 *
 * Bounded: each writer (node id) owns a ring of `recentSlots` fields `<nodeId>~<slot>`, written
 * in turn, so the node holds at most `recentSlots` fields per writing node, whatever the
 * registry's size. A value is a JSON string (no child node to read):
 * `{"kind":"registration","soul","recordType","nodeId","timestamp"}` or
 * `{"kind":"deletion","did","deletedAt","nodeId"}`. Pure functions; the writer keeps the ring.
 */
import type { GraphWrite } from './registry-graph.js';
import type { IndexEntry } from './types.js';

/** Fields per writing node. */
export const recentSlots = 32;

const recordTypePattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** `${root}:v2:recent`. */
export function toRecentSoul(root: string): string {
  return `${root}:v2:recent`;
}

export type RecentChange =
  | { kind: 'registration'; entry: IndexEntry }
  | { kind: 'deletion'; did: string; deletedAt: number | null; nodeId: string | null };

/** The field of one change in the recent node. */
export function toRecentWrite(
  root: string,
  nodeId: string,
  slot: number,
  change: RecentChange,
): GraphWrite {
  const value =
    change.kind === 'registration'
      ? {
          kind: 'registration',
          soul: change.entry.soul,
          recordType: change.entry.recordType,
          nodeId: change.entry.nodeId,
          timestamp: change.entry.timestamp,
        }
      : { kind: 'deletion', did: change.did, deletedAt: change.deletedAt, nodeId: change.nodeId };
  return {
    soul: toRecentSoul(root),
    node: { [`${nodeId}~${slot % recentSlots}`]: JSON.stringify(value) },
    field: true,
    bounded: true,
  };
}

const finiteOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const stringOrNull = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/**
 * One field of the recent node as a change; null for anything else (a tombstone, a value that
 * is not a JSON object string, an unknown kind, a registration without a soul or a valid type).
 * The caller checks the entry further (as every registry value is, before it becomes a job).
 */
export function decodeRecentValue(value: unknown): RecentChange | null {
  if (typeof value !== 'string' || !value.startsWith('{')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const fields = parsed as Record<string, unknown>;
  if (fields.kind === 'registration') {
    const soul = stringOrNull(fields.soul);
    const recordType = stringOrNull(fields.recordType);
    if (!soul || !recordType || !recordTypePattern.test(recordType)) return null;
    return {
      kind: 'registration',
      entry: {
        recordType,
        soul,
        nodeId: stringOrNull(fields.nodeId),
        timestamp: finiteOrNull(fields.timestamp),
      },
    };
  }
  if (fields.kind === 'deletion') {
    const did = stringOrNull(fields.did);
    if (!did) return null;
    return {
      kind: 'deletion',
      did,
      deletedAt: finiteOrNull(fields.deletedAt),
      nodeId: stringOrNull(fields.nodeId),
    };
  }
  return null;
}
