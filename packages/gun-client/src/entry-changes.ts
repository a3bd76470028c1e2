/**
 * Remembers the last `(nodeId, timestamp)` reported per index entry so a subscription reports
 * an entry once per change, however often GUN delivers it. Bounded: the oldest entries are
 * forgotten first (an entry forgotten and delivered again is reported again, which consumers
 * tolerate: they deduplicate by soul and version).
 */
import type { IndexEntry } from './types.js';

export interface EntryChanges {
  /** True when `entry` differs from what was last reported for its (type, soul). */
  isNew(entry: IndexEntry): boolean;
  /** Records `entry` as known without reporting it (a baseline). */
  remember(entry: Pick<IndexEntry, 'recordType' | 'soul'> & Partial<IndexEntry>): void;
  readonly size: number;
}

export function createEntryChanges(maxEntries: number): EntryChanges {
  const last = new Map<string, string>();
  const keyOf = (entry: Pick<IndexEntry, 'recordType' | 'soul'>) =>
    `${entry.recordType}\u0000${entry.soul}`;
  const set = (key: string, value: string) => {
    last.delete(key);
    last.set(key, value);
    if (last.size > maxEntries) last.delete(last.keys().next().value as string);
  };
  return {
    isNew(entry) {
      const key = keyOf(entry);
      const value = `${entry.nodeId ?? ''}\u0000${entry.timestamp ?? ''}`;
      if (last.get(key) === value) return false;
      set(key, value);
      return true;
    },
    remember(entry) {
      set(keyOf(entry), `${entry.nodeId ?? ''}\u0000${entry.timestamp ?? ''}`);
    },
    get size() {
      return last.size;
    },
  };
}
