/**
 * Registry reads on top of a NodeSource: a record with its linked child nodes, a type index
 * with every link resolved, and the deletion index.
 */
import { mapLimited } from './limiter.js';
import { keepNewest, newestGraph } from './newest.js';
import { isLink } from './souls.js';
import { found, mapFound, notFound, readError } from './read-result.js';
import { toIndexListing, type IndexListing } from './index-listing.js';
import type { NodeReadOptions, NodeSource } from './node-source.js';
import { isTooLarge, type UpstreamError } from './errors.js';
import type { GunNode, IndexEntry, ReadResult, RecordGraph } from './types.js';

/** Bounds on one record's graph: OIP's deepest legacy layout is 3 levels. */
const maxRecordNodes = 64;
const maxRecordDepth = 6;

const has = (node: GunNode, key: string) => Object.hasOwn(node, key);
const isRecordRootComplete = (node: GunNode) => has(node, 'data') && has(node, 'oip');
const isAnyField = (node: GunNode) => Object.keys(node).length > 0;
const isIndexEntryComplete = (node: GunNode) =>
  has(node, 'soul') && has(node, 'nodeId') && has(node, 'timestamp');

/** Reads of a linked node that answered not-found before it counts as missing. */
const linkedReads = 3;

/**
 * A not-found that took this long is a relay that waited its whole not-found time (OIP's relay:
 * 3 s, spec §1.3), not one that answered before its disk: reading again would only wait again.
 */
export const slowNotFoundMs = 750;

/**
 * A node a link points to. GUN relays under load sometimes answer not-found for a node they
 * hold (the disk answers before memory, or not at all); a link to nothing is suspicious, so
 * it is read again before it counts as missing, unless the not-found was a slow one.
 */
async function readLinked(
  source: NodeSource,
  soul: string,
  options: NodeReadOptions,
): Promise<ReadResult<GunNode>> {
  for (let read = 1; ; read++) {
    const startedAt = performance.now();
    const result = await source.readNode(soul, options);
    if (result.status !== 'not-found' || read >= linkedReads) return result;
    if (performance.now() - startedAt >= slowNotFoundMs) return result;
  }
}

/** Children of `soul` that `node` links to (`<soul>/<key>`); other links are not part of the record. */
function childLinks(soul: string, node: GunNode): string[] {
  const out: string[] = [];
  for (const value of Object.values(node)) {
    if (isLink(value) && value['#'].startsWith(`${soul}/`)) out.push(value['#']);
  }
  return out;
}

/**
 * A record's graph: the root and the child nodes it links to. Where the source combines several
 * peers (`perPeer`), each peer's copy is read whole and the newest copy wins (`newestGraph`);
 * found when any peer found it, else the first peer's error, else not-found.
 */
export async function readRecordGraph(
  source: NodeSource,
  soul: string,
  options: { signal?: AbortSignal; concurrency: number },
): Promise<ReadResult<RecordGraph>> {
  if (!source.perPeer || source.perPeer.length < 2) return readOneGraph(source, soul, options);
  const copies = await Promise.all(source.perPeer.map((peer) => readOneGraph(peer, soul, options)));
  const graphs = copies.flatMap((c) => (c.status === 'found' ? [c.value] : []));
  const newest = newestGraph(graphs, isRecordRootComplete);
  if (newest) return found(newest);
  const failed = copies.find((c) => c.status === 'error');
  return failed ?? notFound();
}

async function readOneGraph(
  source: NodeSource,
  soul: string,
  options: { signal?: AbortSignal; concurrency: number },
): Promise<ReadResult<RecordGraph>> {
  const root = await source.readNode(soul, {
    signal: options.signal,
    complete: isRecordRootComplete,
  });
  if (root.status !== 'found') return root;
  const nodes: Record<string, GunNode> = { [soul]: root.value };
  let frontier = childLinks(soul, root.value);
  for (let depth = 1; frontier.length > 0 && depth <= maxRecordDepth; depth++) {
    const batch = frontier
      .filter((s) => !(s in nodes))
      .slice(0, Math.max(0, maxRecordNodes - Object.keys(nodes).length));
    const results = await mapLimited(batch, options.concurrency, (child) =>
      readLinked(source, child, { signal: options.signal, complete: isAnyField }),
    );
    const next: string[] = [];
    for (const [i, result] of results.entries()) {
      const child = batch[i] as string;
      if (result.status === 'error') return readError(result.error);
      if (result.status === 'found') {
        nodes[child] = result.value;
        next.push(...childLinks(child, result.value));
      }
    }
    frontier = next;
  }
  return found({ soul, nodes });
}

function toNumberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function toEntry(recordType: string, key: string, child: GunNode | null): IndexEntry {
  const own = (field: string): unknown =>
    child && Object.hasOwn(child, field) ? child[field] : undefined;
  const childSoul = own('soul');
  const childNodeId = own('nodeId');
  const soul = typeof childSoul === 'string' && childSoul !== '' ? childSoul : key;
  const nodeId = typeof childNodeId === 'string' && childNodeId !== '' ? childNodeId : null;
  return { recordType, soul, nodeId, timestamp: toNumberOrNull(own('timestamp')) };
}

/** Resolves one index field: a link is read, an inline object (old relays) is used as it is. */
export async function resolveIndexEntry(
  source: NodeSource,
  recordType: string,
  key: string,
  value: unknown,
  signal?: AbortSignal,
): Promise<ReadResult<IndexEntry>> {
  if (isLink(value)) {
    const child = await readLinked(source, value['#'], { signal, complete: isIndexEntryComplete });
    if (child.status === 'error') return child;
    return found(toEntry(recordType, key, child.status === 'found' ? child.value : null));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return found(toEntry(recordType, key, value as GunNode));
  return found(toEntry(recordType, key, null));
}

/**
 * An index field is keyed by its record's soul, and its entry (the legacy child, a v2 value)
 * repeats that soul. When they differ the key was garbled by the relay's store (radisk was seen
 * to drop a character of a key at a file boundary, putting `a:r-1560`'s link in the place of
 * `a:r-150`'s own field) or written so by someone: the entry counts under the soul it names,
 * and the record the key names is not listed by this field. Counted, so a scan can say so.
 */
export const isGarbled = (key: string | undefined, entry: IndexEntry): boolean =>
  key !== undefined && entry.soul !== key;

/** Index keys resolved into entries: children that could not be read are counted, not fatal. */
export interface IndexKeysRead {
  unreadable: number;
  /** Children over GUN_MAX_NODE_BYTES: skipped by policy, not a failed read. */
  tooLarge: number;
  /** Fields whose entry names another record than their key (`isGarbled`). */
  garbled: number;
  /** The first read error, when `unreadable` > 0. */
  firstError?: UpstreamError;
}

/** Where resolved entries go, a page at a time (one entry per soul within a page). */
export type EntrySink = (page: IndexEntry[]) => void | Promise<void>;

/** Index children resolved per page: a type index of any size is held one page at a time. */
export const indexPageSize = 500;

/** A sink that collects every page into `entries`, the newest per soul winning. */
export const collectInto =
  (entries: Map<string, IndexEntry>): EntrySink =>
  (page) => {
    for (const entry of page) keepNewest(entries, entry);
  };

/**
 * Resolves `keys` of an index node, `indexPageSize` at a time, and hands each page to `sink`
 * (one entry per soul, the newest: a key garbled by a storage layer can repeat a record's
 * link). A child that cannot be read (a timeout, an error) leaves its entry out and is counted,
 * so one of thousands cannot fail the rest of the type; a child over GUN_MAX_NODE_BYTES is
 * counted apart (`tooLarge`) and skipped.
 */
export async function resolveIndexKeys(
  source: NodeSource,
  recordType: string,
  index: IndexListing,
  sink: EntrySink,
  options: { signal?: AbortSignal | undefined; concurrency: number },
): Promise<IndexKeysRead> {
  const read: IndexKeysRead = { unreadable: 0, tooLarge: 0, garbled: 0 };
  const { keys } = index;
  const step = Math.max(indexPageSize, options.concurrency);
  for (let i = 0; i < keys.length; i += step) {
    const slice = keys.slice(i, i + step);
    const results = await mapLimited(slice, options.concurrency, (key) =>
      resolveIndexEntry(source, recordType, key, index.valueOf(key), options.signal),
    );
    const page = new Map<string, IndexEntry>();
    results.forEach((result, at) => {
      if (result.status === 'error' && isTooLarge(result.error)) read.tooLarge += 1;
      else if (result.status === 'error') {
        read.unreadable += 1;
        read.firstError ??= result.error;
      } else if (result.status === 'found') {
        if (isGarbled(slice[at], result.value)) read.garbled += 1;
        keepNewest(page, result.value);
      }
    });
    await sink([...page.values()]);
  }
  return read;
}

/**
 * Reads a type index node and resolves every key, handing the entries to `sink` a page at a
 * time: not-found and errors of the index node itself as they are, children that cannot be
 * read counted.
 */
export async function readIndexInto(
  source: NodeSource,
  indexSoul: string,
  recordType: string,
  sink: EntrySink,
  options: {
    signal?: AbortSignal | undefined;
    concurrency: number;
    /** The index, when the caller already asked for it (`readIndexListing`). */
    read?: Promise<ReadResult<IndexListing>> | undefined;
  },
): Promise<ReadResult<IndexKeysRead>> {
  const index = await (options.read ?? readIndexListing(source, indexSoul, options));
  if (index.status !== 'found') return index;
  return found(await resolveIndexKeys(source, recordType, index.value, sink, options));
}

/**
 * A type index as a compact listing: streamed where the source can (HTTP: the node is never
 * held whole), else from the node read whole.
 */
export async function readIndexListing(
  source: NodeSource,
  indexSoul: string,
  options: Pick<NodeReadOptions, 'signal' | 'onRequests'> = {},
): Promise<ReadResult<IndexListing>> {
  const { signal, onRequests } = options;
  const read = { ...(signal ? { signal } : {}), ...(onRequests ? { onRequests } : {}) };
  if (source.readIndex) return source.readIndex(indexSoul, read);
  return mapFound(await source.readNode(indexSoul, read), (node) =>
    toIndexListing(indexSoul, node),
  );
}

/** Every entry of a type index, or the first error when any child could not be read. */
export async function readIndexEntries(
  source: NodeSource,
  indexSoul: string,
  recordType: string,
  options: { signal?: AbortSignal; concurrency: number },
): Promise<ReadResult<IndexEntry[]>> {
  const entries = new Map<string, IndexEntry>();
  const read = await readIndexInto(source, indexSoul, recordType, collectInto(entries), options);
  if (read.status !== 'found') return read;
  if (read.value.firstError) return readError(read.value.firstError);
  return found([...entries.values()]);
}

/** DIDs whose field in the deletion index is `true` (unmarking sets it to null). */
export async function readDeletedDids(
  source: NodeSource,
  deletedIndexSoul: string,
  signal?: AbortSignal,
): Promise<ReadResult<string[]>> {
  const index = await source.readNode(deletedIndexSoul, { signal });
  if (index.status === 'error') return index;
  if (index.status === 'not-found') return notFound();
  return found(
    Object.entries(index.value)
      .filter(([did, value]) => value === true && did.startsWith('did:'))
      .map(([did]) => did)
      .sort(),
  );
}
