/**
 * Registry v2 (docs/registry-v2.md): each record type's entries spread over bounded bucket
 * nodes listed by one bucket list node per type, so no node grows without bound and an
 * incremental scan reads only the buckets at or after its mark. Pure functions: souls, bucket
 * keys, entry values and the writes of one registration.
 */
import type { GraphWrite } from './registry-graph.js';
import { toLink } from './souls.js';
import type { GunNode, IndexEntry, Registration } from './types.js';

/** Which layouts a writer writes (GUN_REGISTRY_LAYOUT). */
export type RegistryLayout = 'legacy' | 'v2' | 'both';

export interface BucketSettings {
  /** Length of one bucket window in ms (GUN_REGISTRY_BUCKET_SPAN_MS, default one hour). */
  spanMs: number;
  /** Entries one writer puts into a bucket before it opens the next page (GUN_REGISTRY_BUCKET_MAX_ENTRIES). */
  maxEntries: number;
}

export const defaultBucketSettings: BucketSettings = { spanMs: 3_600_000, maxEntries: 1000 };

/** A bucket: the window it opened in (start, ms since the epoch) and its page in that window. */
export interface BucketKey {
  window: number;
  page: number;
}

/** `${root}:v2:buckets:${type}`: one field per bucket, key → link to the bucket node. */
export function toBucketListSoul(root: string, recordType: string): string {
  return `${root}:v2:buckets:${recordType}`;
}

/** The record type of a bucket list soul, or null when `soul` is not one. */
export function toBucketListType(root: string, soul: string): string | null {
  const prefix = `${root}:v2:buckets:`;
  if (!soul.startsWith(prefix)) return null;
  const type = soul.slice(prefix.length);
  return /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(type) ? type : null;
}

/** `${root}:v2:bucket:${type}:${key}`: one field per entry, record soul → entry value. */
export function toBucketSoul(root: string, recordType: string, key: string): string {
  return `${root}:v2:bucket:${recordType}:${key}`;
}

/** `<window>_<page>`, both decimal integers without padding: `1761991200000_0`. */
export function formatBucketKey({ window, page }: BucketKey): string {
  return `${window}_${page}`;
}

export function parseBucketKey(key: string): BucketKey | null {
  const match = /^(\d{1,15})_(\d{1,6})$/.exec(key);
  if (!match) return null;
  return { window: Number(match[1]), page: Number(match[2]) };
}

export function compareBucketKeys(a: BucketKey, b: BucketKey): number {
  return a.window - b.window || a.page - b.page;
}

export function toWindow(time: number, spanMs: number): number {
  return Math.floor(time / spanMs) * spanMs;
}

/**
 * The bucket field value: a JSON string `{"soul":…,"nodeId":…,"timestamp":…}` (no child node to
 * read). The soul is repeated so a key garbled by a storage layer still names the right record.
 */
export function encodeEntryValue(soul: string, nodeId: string, timestamp: number): string {
  return JSON.stringify({ soul, nodeId, timestamp });
}

/** One bucket field as an index entry; null when the value is not a v2 entry value. */
export function decodeEntryValue(
  recordType: string,
  key: string,
  value: unknown,
): IndexEntry | null {
  if (typeof value !== 'string' || key === '' || key.startsWith('_')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const { soul, nodeId, timestamp } = parsed as Record<string, unknown>;
  return {
    recordType,
    soul: typeof soul === 'string' && soul !== '' ? soul : key,
    nodeId: typeof nodeId === 'string' && nodeId !== '' ? nodeId : null,
    timestamp: typeof timestamp === 'number' && Number.isFinite(timestamp) ? timestamp : null,
  };
}

/** The bucket keys a bucket list node names, sorted oldest first (unparseable keys skipped). */
export function toBucketKeys(list: GunNode): BucketKey[] {
  const keys: BucketKey[] = [];
  for (const key of Object.keys(list)) {
    const parsed = parseBucketKey(key);
    if (parsed) keys.push(parsed);
  }
  return keys.sort(compareBucketKeys);
}

/**
 * The v2 writes of one registration, children first: the entry's field in its bucket, then
 * (for a bucket not yet listed) the bucket's field in the type's bucket list.
 */
export function toV2RegistrationWrites(
  root: string,
  entry: Registration & { timestamp: number },
  bucket: { key: BucketKey; listed: boolean },
): GraphWrite[] {
  const key = formatBucketKey(bucket.key);
  const bucketSoul = toBucketSoul(root, entry.recordType, key);
  const writes: GraphWrite[] = [
    {
      soul: bucketSoul,
      node: { [entry.soul]: encodeEntryValue(entry.soul, entry.nodeId, entry.timestamp) },
      field: true,
      bounded: true,
    },
  ];
  if (!bucket.listed)
    writes.push({
      soul: toBucketListSoul(root, entry.recordType),
      node: { [key]: toLink(bucketSoul) },
      field: true,
      bounded: true,
    });
  return writes;
}
