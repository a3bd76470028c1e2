/**
 * Reads a record type's registry v2 buckets (docs/registry-v2.md): the bucket list, then the
 * buckets at or after the scan's mark with bounded concurrency. Bucket fields carry the entry
 * itself, so v2 discovery costs one read per bucket, not one per entry. Falls back to the
 * legacy index where the type has no bucket list.
 *
 * Streams (issue 16): with `onPage`, each round of buckets and each page of legacy index
 * children is handed over as it is read, so memory holds one page, not the type.
 *
 * Newest wins (issue 15): a soul registered again (in a newer bucket, or by a legacy-only
 * writer) keeps the entry with the greatest registration timestamp across every bucket read
 * and, in a merged full scan, the legacy index (`newerEntry`, ties by node id), whatever the
 * order the buckets were read in. An incremental scan that reads the bucket holding a
 * re-registration therefore reports the re-registration, never the first registration.
 */
import {
  collectInto,
  isGarbled,
  readIndexInto,
  readIndexListing,
  type EntrySink,
} from './graph-reader.js';
import { mapLimited } from './limiter.js';
import { keepNewest } from './newest.js';
import type { NodeSource } from './node-source.js';
import { found, readError } from './read-result.js';
import {
  compareBucketKeys,
  decodeEntryValue,
  formatBucketKey,
  parseBucketKey,
  toBucketKeys,
  toBucketListSoul,
  toBucketSoul,
} from './registry-v2.js';
import { toIndexSoul } from './souls.js';
import type { IndexEntry, ReadResult, TypeScan, TypeScanOptions } from './types.js';

/** v2 buckets read and handed over together. */
export const bucketsPerRound = 16;

export interface ScanContext {
  source: NodeSource;
  root: string;
  concurrency: number;
}

export async function scanTypeIndex(
  context: ScanContext,
  recordType: string,
  { signal, since, mergeLegacy: merge = false, onPage }: TypeScanOptions = {},
): Promise<ReadResult<TypeScan>> {
  const { source, root, concurrency } = context;
  const collected = new Map<string, IndexEntry>();
  const sink: EntrySink = onPage ?? collectInto(collected);
  const scanned = (value: Omit<TypeScan, 'entries'>): ReadResult<TypeScan> =>
    found({ entries: [...collected.values()], ...value });
  // A full scan needs the legacy node whatever the bucket list says (a fallback or a merge):
  // both are asked at once, so a type missing from the relay costs one not-found wait, not two.
  const legacySoul = toIndexSoul(root, recordType);
  const legacyRead = merge || !since ? readIndexListing(source, legacySoul, { signal }) : undefined;
  legacyRead?.catch(() => undefined); // awaited below on every path that uses it
  const list = await source.readNode(toBucketListSoul(root, recordType), { signal });
  if (list.status === 'error') return list;
  const readLegacy = () =>
    readIndexInto(source, legacySoul, recordType, sink, {
      signal,
      concurrency,
      read: legacyRead,
    });
  if (list.status === 'not-found') {
    const legacy = await readLegacy();
    if (legacy.status === 'error') return legacy;
    return scanned({
      layout: legacy.status === 'found' ? 'legacy' : 'none',
      mark: since ?? null,
      bucketsRead: 0,
      unreadable: legacy.status === 'found' ? legacy.value.unreadable : 0,
      tooLarge: legacy.status === 'found' ? legacy.value.tooLarge : 0,
      garbled: legacy.status === 'found' ? legacy.value.garbled : 0,
    });
  }
  const from = since ? parseBucketKey(since) : null;
  const keys = toBucketKeys(list.value).filter((k) => !from || compareBucketKeys(k, from) >= 0);
  // Buckets are read `bucketsPerRound` at a time and handed over as one page each round: at
  // most that many buckets' entries are in memory (16,000 at the default bucket size). Read
  // `concurrency` at a time (256 by default), one round held every bucket of a 100,000-entry
  // type at once.
  const perRound = Math.min(concurrency, bucketsPerRound);
  let garbled = 0;
  for (let i = 0; i < keys.length; i += perRound) {
    const buckets = await mapLimited(keys.slice(i, i + perRound), perRound, (key) =>
      source.readNode(toBucketSoul(root, recordType, formatBucketKey(key)), { signal }),
    );
    const page = new Map<string, IndexEntry>();
    for (const bucket of buckets) {
      if (bucket.status === 'error') return readError(bucket.error);
      if (bucket.status !== 'found') continue;
      for (const [key, value] of Object.entries(bucket.value)) {
        const entry = decodeEntryValue(recordType, key, value);
        if (!entry) continue;
        if (isGarbled(key, entry)) garbled += 1;
        keepNewest(page, entry);
      }
    }
    await sink([...page.values()]);
  }
  let unreadable = 0;
  let tooLarge = 0;
  if (merge) {
    // Every legacy entry is resolved, also those v2 lists: a legacy-only writer (OIP) may have
    // registered the soul again after our v2 entry, and only the child holds its timestamp.
    const merged = await readLegacy();
    if (merged.status === 'error') return readError(merged.error);
    if (merged.status === 'found') {
      ({ unreadable, tooLarge } = merged.value);
      garbled += merged.value.garbled;
    }
  }
  const last = keys.at(-1);
  return scanned({
    layout: 'v2',
    mark: last ? formatBucketKey(last) : (since ?? null),
    bucketsRead: 1 + keys.length,
    unreadable,
    tooLarge,
    garbled,
  });
}
