/**
 * A type index node held compactly (issue 16): its entry keys, sorted, and only the values
 * that are not the usual link to `<index soul>/<key>`. At 100,000 entries that is the keys
 * (about 7 MB), where the parsed node took about 50 MB and its JSON text 13 MB more. The HTTP
 * reader builds it from the relay's answer as it arrives (`field-scanner.ts`); other sources
 * build it from the node they read.
 */
import { isLink } from './souls.js';
import { preferValue } from './newest.js';
import type { GunNode } from './types.js';

export interface IndexListing {
  /** Fields of the node in all: entry keys and the others (`#`- or `_`-prefixed). */
  readonly fields: number;
  /** Keys that name entries (OIP skips `_`/`#`-prefixed keys too), sorted, each once. */
  readonly keys: readonly string[];
  /** Entry fields whose value is not the usual link to `<soul>/<key>`. */
  readonly unusual: ReadonlyMap<string, unknown>;
  /** The field's value: a link to `<soul>/<key>` unless the node held something else. */
  valueOf(key: string): unknown;
}

export interface IndexListingBuilder {
  /** One field of the node, in any order; null (a removed field) and GUN's `_` are skipped. */
  add(key: string, value: unknown): void;
  build(): IndexListing;
}

const isEntryKey = (key: string) => !key.startsWith('_') && !key.startsWith('#');
const isUsual = (soul: string, key: string, value: unknown) =>
  isLink(value) && value['#'] === `${soul}/${key}`;

function sortedUnique(keys: string[]): string[] {
  keys.sort();
  let n = 0;
  for (const key of keys) if (n === 0 || keys[n - 1] !== key) keys[n++] = key;
  keys.length = n;
  return keys;
}

function listing(
  soul: string,
  keys: string[],
  unusual: Map<string, unknown>,
  others: number,
): IndexListing {
  return {
    fields: keys.length + others,
    keys,
    unusual,
    valueOf: (key) => (unusual.has(key) ? unusual.get(key) : { '#': `${soul}/${key}` }),
  };
}

export function createIndexListingBuilder(soul: string): IndexListingBuilder {
  const keys: string[] = [];
  const unusual = new Map<string, unknown>();
  const others = new Set<string>(); // fields that are not entries: a handful
  return {
    add(key, value) {
      if (key === '_' || value === null || value === undefined) return;
      if (!isEntryKey(key)) {
        others.add(key);
        return;
      }
      keys.push(key);
      // A key repeated in one answer keeps its last value, as JSON does.
      if (isUsual(soul, key, value)) unusual.delete(key);
      else unusual.set(key, value);
    },
    build: () => listing(soul, sortedUnique(keys), unusual, others.size),
  };
}

/** The listing of a node read whole. */
export function toIndexListing(soul: string, node: GunNode): IndexListing {
  const builder = createIndexListingBuilder(soul);
  for (const [key, value] of Object.entries(node)) builder.add(key, value);
  return builder.build();
}

/**
 * One node's listings from several answers (reads again of a growing answer, several relays):
 * the union of their keys, a key whose value differs between them taking `preferValue` of the
 * values (as `mergeFields` does for whole nodes).
 */
export function mergeIndexListings(soul: string, listings: readonly IndexListing[]): IndexListing {
  if (listings.length === 1) return listings[0] as IndexListing;
  const keys = sortedUnique(listings.flatMap((l) => [...l.keys]));
  const unusual = new Map<string, unknown>();
  for (const key of new Set(listings.flatMap((l) => [...l.unusual.keys()]))) {
    let value: unknown;
    for (const l of listings)
      if (hasKey(l.keys, key))
        value = value === undefined ? l.valueOf(key) : preferValue(value, l.valueOf(key));
    if (!isUsual(soul, key, value)) unusual.set(key, value);
  }
  const others = Math.max(...listings.map((l) => l.fields - l.keys.length));
  return listing(soul, keys, unusual, others);
}

function hasKey(sorted: readonly string[], key: string): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = sorted[mid] as string;
    if (k === key) return true;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
