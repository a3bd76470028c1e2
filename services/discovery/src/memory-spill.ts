/**
 * An EntrySpill in process memory, newest per soul by the registry's own rule (`keepNewest`):
 * for tests and tools that read small registries. The service spills to Redis
 * (`createEntrySpill` in @sync/state), so its memory does not grow with the registry.
 */
import { keepNewest, type IndexEntry } from '@sync/gun-client';
import type { EntrySpill } from '@sync/state';

export function createMemorySpill(_scanId: string, _recordType: string): EntrySpill {
  const kept = new Map<string, IndexEntry>();
  return {
    async add(entries) {
      for (const entry of entries) keepNewest(kept, entry);
    },
    count: async () => kept.size,
    async *pages(size) {
      const all = [...kept.values()];
      for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
    },
    async clear() {
      kept.clear();
    },
  };
}
