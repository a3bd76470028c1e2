/**
 * The read side of GunRegistry, shared by both implementations: only the NodeSource and the
 * way of subscribing differ.
 */
import { readDeletedDids, readIndexEntries, readRecordGraph } from './graph-reader.js';
import type { NodeSource } from './node-source.js';
import {
  toDeletedEntrySoul,
  toDeletedIndexSoul,
  toIndexSoul,
  toIndexType,
  toRelayIndexSoul,
} from './souls.js';
import { scanTypeIndex } from './registry-v2-reader.js';
import { toBucketListType } from './registry-v2.js';
import type {
  GunRegistry,
  IndexEntry,
  ReadOptions,
  ReadResult,
  RecordGraph,
  TypeScan,
  TypeScanOptions,
} from './types.js';

export interface RegistryReaderOptions {
  source: NodeSource;
  /** GUN_REGISTRY_ROOT, default `oip:registry`. */
  root: string;
  /** Deletion registry root, `oip:deleted:records` in OIP. */
  deletedRoot: string;
  /** Types always scanned (OIP's 37 defaults or GUN_SYNC_RECORD_TYPES). */
  recordTypes: readonly string[];
  /** Reads in flight while resolving one index or record. */
  concurrency: number;
  /**
   * Report the types the bookkeeping lists (`storedRecordTypes`), so scans skip the others.
   * For the relay HTTP API, where the relay keeps the bookkeeping of every put itself.
   */
  typeHints?: boolean;
}

/** Types seen are few (OIP has 37); the cap keeps a hostile registry from growing the set. */
const maxSeenTypes = 1000;

export type RegistryReader = Omit<
  GunRegistry,
  'subscribe' | 'close' | 'scanTypeIndex' | 'storedRecordTypes'
> & {
  storedRecordTypes(): ReadonlySet<string> | null;
  /** Remembers a type seen in the registry (e.g. in a pushed update). */
  noteType(recordType: string): void;
  scanTypeIndex: NonNullable<GunRegistry['scanTypeIndex']>;
};

export function createRegistryReader({
  source,
  root,
  deletedRoot,
  recordTypes,
  concurrency,
  typeHints = false,
}: RegistryReaderOptions): RegistryReader {
  const seen = new Set<string>();
  let stored: Set<string> | null = null;
  const noteType = (type: string) => {
    if (seen.size < maxSeenTypes) seen.add(type);
  };

  return {
    noteType,
    async listRecordTypes(options: ReadOptions = {}) {
      // The relay's bookkeeping node lists every soul put through its HTTP API under the
      // registry's first soul segment, the type indexes included (spec §1.2).
      const bookkeeping = await source.readNode(toRelayIndexSoul(root), { signal: options.signal });
      if (bookkeeping.status === 'found') {
        const listed = new Set<string>();
        for (const key of Object.keys(bookkeeping.value)) {
          const type = toIndexType(root, key) ?? toBucketListType(root, key);
          if (!type) continue;
          noteType(type);
          if (listed.size < maxSeenTypes) listed.add(type);
        }
        // A bookkeeping that lists no registry node at all says nothing about the registry.
        stored = typeHints && listed.size > 0 ? listed : null;
      } else stored = null;
      return [...new Set([...recordTypes, ...seen])].sort();
    },
    storedRecordTypes: () => stored,
    readTypeIndex(
      recordType: string,
      options: ReadOptions = {},
    ): Promise<ReadResult<IndexEntry[]>> {
      return readIndexEntries(source, toIndexSoul(root, recordType), recordType, {
        signal: options.signal,
        concurrency,
      });
    },
    scanTypeIndex(
      recordType: string,
      options: TypeScanOptions = {},
    ): Promise<ReadResult<TypeScan>> {
      return scanTypeIndex({ source, root, concurrency }, recordType, options);
    },
    readRecord(soul: string, options: ReadOptions = {}): Promise<ReadResult<RecordGraph>> {
      return readRecordGraph(source, soul, { signal: options.signal, concurrency });
    },
    readDeleted(options: ReadOptions = {}) {
      return readDeletedDids(source, toDeletedIndexSoul(deletedRoot), options.signal);
    },
    readDeletion(did: string, options: ReadOptions = {}) {
      return source.readNode(toDeletedEntrySoul(deletedRoot, did), {
        signal: options.signal,
        complete: (node) => 'deletedAt' in node,
      });
    },
  };
}
