/**
 * Registrations and deletion marks, written one flat node at a time (children first) and
 * read back: a GUN acknowledgement is no proof of storage (spec §10). Every node is checked
 * before it is sent, so nothing GUN would refuse or hang on ever leaves.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '@sync/logging';
import { GunWriteError, InvalidPutError } from './errors.js';
import type { NodeSink, NodeSource } from './node-source.js';
import {
  toDeletionWrites,
  toRegistrationWrites,
  toUserWrites,
  type GraphWrite,
} from './registry-graph.js';
import { toIndexSoul, toLink, toNodeEntrySoul, toRelayIndexSoul } from './souls.js';
import { recentSlots, toRecentWrite } from './recent.js';
import type { GunNode, MarkDeletedOptions, ReadOptions, RegistryWriter } from './types.js';
import { findPutProblem, findSoulProblem } from './validate-put.js';
import { createBucketAllocator } from './bucket-allocator.js';
import { mapLimited } from './limiter.js';
import {
  defaultBucketSettings,
  toBucketListSoul,
  toV2RegistrationWrites,
  type BucketSettings,
  type RegistryLayout,
} from './registry-v2.js';

export interface RegistryWriterOptions {
  sink: NodeSink;
  source: NodeSource;
  root: string;
  deletedRoot: string;
  log: Logger;
  /** Read every node back after writing it (default true). */
  verify?: boolean;
  /**
   * Also list new type indexes in the relay's bookkeeping node (`index:<prefix>`), as OIP's
   * relay does for HTTP puts, so readers can discover the type. Wire writers need this; the
   * relay API does it itself.
   */
  bookkeeping?: boolean;
  now?: () => Date;
  close?: () => Promise<void>;
  /** Layouts written by `register` (GUN_REGISTRY_LAYOUT, default both). */
  layout?: RegistryLayout;
  /** Registry v2 bucket window and size. */
  buckets?: BucketSettings;
  /**
   * Note each registration and deletion mark in the recent-changes node (`recent.ts`), so HTTP
   * peers poll one small node. Default: with the v2 layout (not for `legacy`, which writes
   * exactly what OIP writes).
   */
  recent?: boolean;
}

/** Types whose bucket state `prepare` reads at the same time. */
const prepareConcurrency = 8;

/** Writing nodes whose ring position is kept (one per node id; a writer serves one or two). */
const maxRingNodes = 64;

function differences(expected: GunNode, actual: GunNode): string[] {
  return Object.keys(expected).filter(
    (key) => expected[key] !== null && !isDeepStrictEqual(expected[key], actual[key]),
  );
}

export function createRegistryWriter(options: RegistryWriterOptions): RegistryWriter {
  const {
    sink,
    source,
    root,
    deletedRoot,
    log,
    verify = true,
    bookkeeping = false,
    now = () => new Date(),
    layout = 'both',
    buckets = defaultBucketSettings,
  } = options;
  const recent = options.recent ?? layout !== 'legacy';
  const rings = new Map<string, number>();
  /** The next slot of `nodeId`'s ring; a new writer starts anywhere in it. */
  const nextSlot = (nodeId: string): number => {
    if (!rings.has(nodeId) && rings.size >= maxRingNodes) rings.clear();
    const slot = rings.get(nodeId) ?? Math.floor(Math.random() * recentSlots);
    rings.set(nodeId, (slot + 1) % recentSlots);
    return slot;
  };
  const allocator = createBucketAllocator(source, root, buckets);
  const listedTypes = new Set<string>();
  let closing: Promise<void> | undefined;

  /**
   * Reads back what was written. A field added to a shared node (an index, a v2 bucket) is read
   * alone where the source can read one field (wire); over HTTP only a whole node can be read,
   * and re-reading a growing bucket after every field made registration O(bucket) per entry
   * (a 1,000-record migration went from 22 s to 190 s), so there the entry's own nodes, which
   * are read back, are the proof of the write.
   */
  function readBack({ soul, node, field }: GraphWrite, signal?: AbortSignal) {
    const [key] = Object.keys(node);
    if (field && source.readField && key !== undefined)
      return source.readField(soul, key, { signal });
    if (!field)
      return source.readNode(soul, { signal, complete: (n) => differences(node, n).length === 0 });
    return null;
  }

  async function writeVerified(write: GraphWrite, signal?: AbortSignal): Promise<void> {
    const { soul, node } = write;
    const problem = findSoulProblem(soul) ?? findPutProblem(node);
    if (problem) throw new InvalidPutError(`refusing to write ${soul}: ${problem}`);
    for (let attempt = 1; ; attempt++) {
      await sink.putNode(soul, node, { signal });
      const reading = verify ? readBack(write, signal) : null;
      if (!reading) return;
      const back = await reading;
      const missing = back.status === 'found' ? differences(node, back.value) : Object.keys(node);
      if (missing.length === 0) return;
      if (attempt >= 2)
        throw new GunWriteError(
          `${soul} did not read back after writing (${missing.length} fields differ)`,
          { cause: back.status === 'error' ? back.error : undefined },
        );
      log.warn({ soul, fields: missing.length }, 'write did not read back, writing again');
    }
  }

  async function listType(recordType: string, signal?: AbortSignal): Promise<void> {
    if (!bookkeeping || listedTypes.has(recordType)) return;
    if (layout !== 'legacy') await listSoul(toBucketListSoul(root, recordType), signal);
    if (layout !== 'v2') await listSoul(toIndexSoul(root, recordType), signal);
    if (listedTypes.size < 1000) listedTypes.add(recordType);
  }

  async function listSoul(indexSoul: string, signal?: AbortSignal): Promise<void> {
    const bookSoul = toRelayIndexSoul(indexSoul);
    await writeVerified(
      { soul: `${bookSoul}/${indexSoul}`, node: { recordType: null, storedAt: now().getTime() } },
      signal,
    );
    await writeVerified(
      { soul: bookSoul, node: { [indexSoul]: toLink(`${bookSoul}/${indexSoul}`) }, field: true },
      signal,
    );
  }

  return {
    async register(entry, { signal }: ReadOptions = {}) {
      const writtenAt = now().getTime();
      const timestamp = entry.timestamp ?? writtenAt;
      const legacy = toRegistrationWrites(root, { ...entry, timestamp });
      // The node registry entry (spec §4) belongs to both layouts; the index child and field
      // only to the legacy one.
      const nodeEntry = toNodeEntrySoul(root, entry.nodeId, entry.soul);
      for (const write of layout === 'v2' ? legacy.filter((w) => w.soul === nodeEntry) : legacy)
        await writeVerified(write, signal);
      if (layout !== 'legacy') {
        const slot = await allocator.next(entry.recordType, writtenAt, signal);
        try {
          for (const write of toV2RegistrationWrites(root, { ...entry, timestamp }, slot))
            await writeVerified(write, signal);
        } catch (err) {
          allocator.forget(entry.recordType);
          throw err;
        }
        allocator.listed(entry.recordType, slot.key);
      }
      await listType(entry.recordType, signal);
      if (recent)
        await writeVerified(
          toRecentWrite(root, entry.nodeId, nextSlot(entry.nodeId), {
            kind: 'registration',
            entry: {
              recordType: entry.recordType,
              soul: entry.soul,
              nodeId: entry.nodeId,
              timestamp,
            },
          }),
          signal,
        );
      log.debug({ soul: entry.soul, recordType: entry.recordType }, 'record registered');
    },
    readNodeEntry(nodeId, soul, { signal }: ReadOptions = {}) {
      return source.readNode(toNodeEntrySoul(root, nodeId, soul), {
        signal,
        complete: (node) => 'soul' in node && 'nodeId' in node,
      });
    },
    async publishUser(user, { signal }: ReadOptions = {}) {
      for (const write of toUserWrites(root, user)) await writeVerified(write, signal);
      log.debug({ nodeId: user.nodeId }, 'user identity published');
    },
    async markDeleted(did, deletedBy, { signal, now: at, nodeId }: MarkDeletedOptions = {}) {
      const deletedAt = at ?? now();
      for (const write of toDeletionWrites(deletedRoot, did, deletedBy, deletedAt))
        await writeVerified(write, signal);
      if (recent && nodeId)
        await writeVerified(
          toRecentWrite(root, nodeId, nextSlot(nodeId), {
            kind: 'deletion',
            did,
            deletedAt: deletedAt.getTime(),
            nodeId,
          }),
          signal,
        );
      log.debug({ did }, 'record marked deleted');
    },
    async prepare(recordTypes, { signal }: ReadOptions = {}) {
      if (layout === 'legacy') return { prepared: 0, failed: 0 };
      let failed = 0;
      await mapLimited(recordTypes, prepareConcurrency, async (recordType) => {
        try {
          await allocator.prepare(recordType, now().getTime(), signal);
        } catch (err) {
          failed += 1;
          log.debug({ err, recordType }, 'bucket state not read ahead; read at first registration');
        }
      });
      return { prepared: recordTypes.length - failed, failed };
    },
    close() {
      closing ??= options.close?.() ?? Promise.resolve();
      return closing;
    },
  };
}
