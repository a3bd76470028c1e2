/**
 * Which registry entries this node syncs: pure rules over the entry and the sync settings.
 * Order matters for the counters: own entries first, then trust, then the type filter.
 */
import { createHash } from 'node:crypto';
import type { IndexEntry } from '@sync/gun-client';

export interface SyncPolicy {
  selfNodeId: string;
  /** Empty = trust every node (OIP semantics of GUN_SYNC_TRUSTED_NODES). */
  trustedNodes: readonly string[];
  typeFilter: TypeFilter;
}

export interface TypeFilter {
  mode: 'all' | 'whitelist' | 'blacklist';
  whitelist: readonly string[];
  blacklist: readonly string[];
}

export type EntryDecision = 'accept' | 'own' | 'untrusted' | 'type-filtered';

/** OIP's RECORD_TYPE_INDEX_MODE: types outside the filter are not indexed. */
export function typeAllowed(
  recordType: string,
  { mode, whitelist, blacklist }: TypeFilter,
): boolean {
  if (mode === 'whitelist') return whitelist.includes(recordType);
  if (mode === 'blacklist') return !blacklist.includes(recordType);
  return true;
}

export function decideEntry(
  entry: Pick<IndexEntry, 'nodeId' | 'recordType'>,
  policy: SyncPolicy,
): EntryDecision {
  if (entry.nodeId !== null && entry.nodeId === policy.selfNodeId) return 'own';
  if (
    policy.trustedNodes.length > 0 &&
    (entry.nodeId === null || !policy.trustedNodes.includes(entry.nodeId))
  )
    return 'untrusted';
  if (!typeAllowed(entry.recordType, policy.typeFilter)) return 'type-filtered';
  return 'accept';
}

/**
 * The types a full scan reads: the configured list (or OIP's defaults) plus the types seen in
 * the registry, minus what the type filter excludes anyway.
 */
export function typesToScan(candidates: readonly string[], filter: TypeFilter): string[] {
  return [...new Set(candidates)].filter((t) => typeAllowed(t, filter)).sort();
}

/**
 * A fingerprint of every setting that decides whether a registry entry ends in the index: the
 * entry rules above, the configured types and whether private records are synced. The enqueued
 * watermarks belong to one fingerprint; a changed one sees every entry again once.
 */
export function toPolicyFingerprint(
  policy: SyncPolicy,
  settings: { recordTypes: readonly string[]; privateRecords: boolean },
): string {
  const canonical = JSON.stringify({
    self: policy.selfNodeId,
    trusted: [...policy.trustedNodes].sort(),
    filter: {
      mode: policy.typeFilter.mode,
      whitelist: [...policy.typeFilter.whitelist].sort(),
      blacklist: [...policy.typeFilter.blacklist].sort(),
    },
    types: [...settings.recordTypes].sort(),
    private: settings.privateRecords,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
