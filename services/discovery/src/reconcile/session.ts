/**
 * One reconciliation run: the registry (fed one record type at a time, by the caller's own
 * registry read) against the index, then the index against the registry. Memory stays at one
 * page: what both passes need of the other side (each listed soul's newest registration, each
 * deleted DID's `deletedAt`) is spilled into two Redis hashes of this run, removed when it ends
 * (and expiring on their own should the process die). Entries are compared 500 at a time
 * (`_mget` of their DIDs); indexed gun documents are paged with a point in time.
 *
 * `fix` enqueues the jobs that heal what was found: a transform job per unaccounted or stale
 * entry (trigger `force`, deduplicated per soul like discovery's), a delete job per document
 * the deletion registry says must go, and, only with `deleteOrphans`, per orphan.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import type { GunRegistry, IndexEntry } from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import { JobName, dedupIdFor, type Producer } from '@sync/queues';
import { recordVersion, toOipRecord } from '@sync/records';
import { createMaxHash, stateKeys, type DeadLetters, type PolicySkips } from '@sync/state';
import type { Redis } from 'ioredis';
import { deletionVersion, soulOfDid } from '../deletions.js';
import { checkEntry } from '../entry-check.js';
import { decideEntry, type SyncPolicy } from '../policy.js';
import {
  classifyDocument,
  classifyEntry,
  createTally,
  isStale,
  type ReconcileCounts,
  type Tally,
} from './classify.js';
import { ReconcileError, describeError } from './errors.js';
import { scanGunDocuments } from './scan-documents.js';

export interface ReconcileDeps {
  es: Client;
  /** ELASTICSEARCH_INDEX */
  index: string;
  redis: Redis;
  prefix: string;
  gun: Pick<GunRegistry, 'readDeleted' | 'readDeletion' | 'readRecord'>;
  deadLetters: Pick<DeadLetters, 'reasonsOf'>;
  /** Souls the transform stage skipped by policy (private records, foreign decrypt off). */
  policySkips: Pick<PolicySkips, 'reasonsOf'>;
  transform: Producer<'sync.transform'>;
  deletes: Producer<'sync.index'>;
  policy: SyncPolicy;
  maxClockSkewMs: number;
  /** GUN_MAX_RECORD_BYTES, for reading stale candidates. */
  maxRecordBytes: number;
  now: () => Date;
  log: Logger;
  /** Entries per comparison page and documents per index page (default 500). */
  pageSize?: number;
}

export interface ReconcileOptions {
  /** Only this record type (its entries, and its documents for orphans and deletions). */
  type?: string;
  /** Read every indexed entry's record, not only those registered after their sync. */
  deep?: boolean;
  fix?: boolean;
  /** With fix: delete orphaned documents too. */
  deleteOrphans?: boolean;
  signal?: AbortSignal;
}

export interface ReconcileReport {
  type: string | null;
  deep: boolean;
  types: string[];
  /** Registry entries compared. */
  entries: number;
  /** Gun documents of the index looked at. */
  documents: number;
  /** DIDs the deletion registry lists with a usable `deletedAt`. */
  deletions: number;
  counts: ReconcileCounts;
  /** Stale candidates whose record could not be read or parsed: neither stale nor current. */
  unchecked: number;
  fixed: { transform: number; delete: number } | null;
  durationMs: number;
}

export interface ReconcileSession {
  /** Compares entries of one record type; a type may come in several pages (newest per soul). */
  addType(recordType: string, entries: readonly IndexEntry[]): Promise<void>;
  /** Pages the index for orphans and undone deletions; removes the run's keys. */
  finish(): Promise<ReconcileReport>;
  /** Ends the run without a report (a partial registry read): removes the run's keys. */
  abort(): Promise<void>;
}

/** GUN_MAX_RECORD_BYTES's default: the largest record read to check a stale candidate. */
export const defaultMaxRecordBytes = 5_242_880;

/** Stale candidates read from GUN at once. */
const readConcurrency = 8;
const spillTtlSeconds = 6 * 3600;
const didOf = (soul: string) => `did:gun:${soul}`;

/** Versions and sync times of the DIDs' documents (absent: not indexed). */
async function indexedOf(
  deps: ReconcileDeps,
  dids: readonly string[],
): Promise<Map<string, { version: number; syncedAt: number | null }>> {
  const out = new Map<string, { version: number; syncedAt: number | null }>();
  if (dids.length === 0) return out;
  const { docs } = await deps.es.mget<{ oip?: { sync?: { syncedAt?: unknown } } }>({
    index: deps.index,
    ids: [...dids],
    _source: ['oip.sync.syncedAt'],
  });
  for (const doc of docs) {
    if (!('found' in doc) || !doc.found || typeof doc._version !== 'number') continue;
    const raw = doc._source?.oip?.sync?.syncedAt;
    const syncedAt = typeof raw === 'string' ? Date.parse(raw) : NaN;
    out.set(doc._id, {
      version: doc._version,
      syncedAt: Number.isFinite(syncedAt) ? syncedAt : null,
    });
  }
  return out;
}

/**
 * Which souls have a transform job waiting, delayed or running: two pipelined round trips for
 * the page. A soul's deduplication key names its pending job (BullMQ drops it when the job
 * finishes or is removed); the job's hash then tells whether it is pending: it exists, and
 * carries `finishedOn` only once completed or failed (a retry clears it). In a backfill every
 * entry is missing and queued: one lookup each, and BullMQ's state script (which scans the
 * waiting list, thousands long then), made the run cost O(entries × waiting) in Redis and held
 * the scan's next page back.
 */
export async function transformQueued(
  deps: Pick<ReconcileDeps, 'transform' | 'redis'>,
  souls: readonly string[],
): Promise<boolean[]> {
  if (souls.length === 0) return [];
  const queue = deps.transform.queue;
  const client = deps.redis;
  const dedupKey = (soul: string) => `${queue.keys.de}:${dedupIdFor('transform', soul)}`;
  const ids = await pipelined(client, souls, (p, soul) => p.get(dedupKey(soul)));
  const pending = new Map<string, boolean>();
  const named = [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
  const fields = await pipelined(client, named, (p, id) =>
    p.hmget(queue.toKey(id), 'timestamp', 'finishedOn'),
  );
  named.forEach((id, i) => {
    const [timestamp, finishedOn] = (fields[i] as (string | null)[] | null) ?? [null, null];
    pending.set(id, timestamp !== null && finishedOn === null);
  });
  return ids.map((id) => typeof id === 'string' && pending.get(id) === true);
}

type Pipeline = ReturnType<Redis['pipeline']>;

/** One command per item in one pipeline; the results in order (a failed command throws). */
async function pipelined<T>(
  client: Redis,
  items: readonly T[],
  command: (pipeline: Pipeline, item: T) => void,
): Promise<unknown[]> {
  if (items.length === 0) return [];
  const pipeline = client.pipeline();
  for (const item of items) command(pipeline, item);
  return ((await pipeline.exec()) ?? []).map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** The record version GUN holds for `entry`, or undefined when it cannot be read or parsed. */
async function recordVersionOf(
  deps: ReconcileDeps,
  entry: IndexEntry,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  const read = await deps.gun.readRecord(entry.soul, signal ? { signal } : {});
  if (read.status !== 'found') return undefined;
  const parsed = toOipRecord(read.value, { maxBytes: deps.maxRecordBytes });
  if (!parsed.ok) return undefined;
  const registry =
    entry.nodeId !== null
      ? {
          nodeId: entry.nodeId,
          ...(entry.timestamp !== null ? { timestamp: entry.timestamp } : {}),
        }
      : undefined;
  return recordVersion({ ...parsed.record, ...(registry ? { registry } : {}) }).version;
}

function skipReasonOf(entry: IndexEntry, policy: SyncPolicy): string | null {
  const invalid = checkEntry(entry);
  if (invalid) return invalid;
  const decision = decideEntry(entry, policy);
  return decision === 'accept' ? null : decision;
}

/**
 * Starts a run: checks that the index exists and reads the deletion registry (every DID's
 * entry node) into the run's spill hash.
 * @throws ReconcileError when Elasticsearch or the deletion registry cannot be read.
 */
export async function startReconcile(
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileSession> {
  const startedAt = deps.now().getTime();
  const pageSize = deps.pageSize ?? 500;
  const { signal } = options;
  const runId = randomUUID();
  const keys = stateKeys(deps.prefix);
  const listedKey = keys.reconcileRun(runId, 'listed');
  const deletedKey = keys.reconcileRun(runId, 'deleted');
  const listed = createMaxHash(deps.redis, listedKey);
  const deleted = createMaxHash(deps.redis, deletedKey);
  const cleanup = async () => {
    await deps.redis.del(listedKey, deletedKey);
  };

  let exists: boolean;
  try {
    exists = await deps.es.indices.exists({ index: deps.index });
  } catch (err) {
    throw new ReconcileError(`Elasticsearch did not answer (${describeError(err)})`, err);
  }
  if (!exists)
    throw new ReconcileError(`Elasticsearch index ${JSON.stringify(deps.index)} does not exist`);

  const deletedList = await deps.gun.readDeleted(signal ? { signal } : {});
  if (deletedList.status === 'error')
    throw new ReconcileError(
      `the deletion registry could not be read (${describeError(deletedList.error)})`,
      deletedList.error,
    );
  const dids = deletedList.status === 'found' ? [...new Set(deletedList.value)] : [];
  let deletions = 0;
  const now = deps.now();
  try {
    for (let i = 0; i < dids.length; i += readConcurrency) {
      const chunk = dids
        .slice(i, i + readConcurrency)
        .filter((did) => soulOfDid(did) !== undefined);
      const reads = await Promise.all(
        chunk.map((did) => deps.gun.readDeletion(did, signal ? { signal } : {})),
      );
      const versions: [string, number][] = [];
      reads.forEach((read, j) => {
        if (read.status !== 'found') return;
        const parsed = deletionVersion(read.value, { now, maxClockSkewMs: deps.maxClockSkewMs });
        if (parsed.ok) versions.push([chunk[j] as string, parsed.version]);
      });
      await deleted.raise(versions);
      deletions += versions.length;
    }
    await deps.redis.expire(deletedKey, spillTtlSeconds);
  } catch (err) {
    await cleanup();
    throw err;
  }

  const tally: Tally = createTally();
  const types: string[] = [];
  let entriesSeen = 0;
  let documents = 0;
  let unchecked = 0;
  const fixed = { transform: 0, delete: 0 };
  const fixTransform: IndexEntry[] = [];
  const fixDelete: { did: string; soul: string; version: number }[] = [];

  const flushFixes = async () => {
    if (!options.fix) return;
    if (fixTransform.length > 0) {
      const discoveredAt = deps.now().toISOString();
      await deps.transform.addBulk(
        fixTransform.map((entry) => ({
          name: JobName.transformRecord,
          data: {
            soul: entry.soul,
            recordType: entry.recordType,
            nodeId: entry.nodeId ?? 'unknown',
            ...(entry.timestamp !== null ? { registryTimestamp: entry.timestamp } : {}),
            trigger: 'force' as const,
            discoveredAt,
          },
          opts: {
            deduplication: { id: dedupIdFor('transform', entry.soul), keepLastIfActive: true },
          },
        })),
      );
      fixed.transform += fixTransform.length;
    }
    if (fixDelete.length > 0) {
      await deps.deletes.addBulk(
        fixDelete.map((data) => ({
          name: JobName.deleteDocument,
          data,
          opts: { deduplication: { id: dedupIdFor('delete', data.did), keepLastIfActive: true } },
        })),
      );
      fixed.delete += fixDelete.length;
    }
    fixTransform.length = 0;
    fixDelete.length = 0;
  };

  const comparePage = async (entries: readonly IndexEntry[]) => {
    // Skipped entries are never looked up: a soul no job can carry may be no valid document id.
    const page: IndexEntry[] = [];
    for (const entry of entries) {
      const reason = skipReasonOf(entry, deps.policy);
      if (reason === null) page.push(entry);
      else tally.add('skipped', { soul: entry.soul, reason }, reason);
    }
    const dids = page.map((e) => didOf(e.soul));
    const [indexed, deletedAt] = await Promise.all([indexedOf(deps, dids), deleted.getMany(dids)]);
    const absent: IndexEntry[] = [];
    const candidates: { entry: IndexEntry; version: number }[] = [];
    page.forEach((entry, i) => {
      const doc = indexed.get(dids[i] as string);
      const verdict = classifyEntry({
        entry,
        skipReason: null,
        indexed: doc,
        deletedAt: deletedAt[i],
        deep: options.deep ?? false,
      });
      if (verdict.state === 'absent') absent.push(entry);
      else if (verdict.state === 'candidate' && doc)
        candidates.push({ entry, version: doc.version });
    });
    const stale: { entry: IndexEntry; indexedVersion: number; recordVersion: number }[] = [];
    const maxVersion = deps.now().getTime() + deps.maxClockSkewMs;
    for (let i = 0; i < candidates.length; i += readConcurrency) {
      const chunk = candidates.slice(i, i + readConcurrency);
      const versions = await Promise.all(chunk.map((c) => recordVersionOf(deps, c.entry, signal)));
      chunk.forEach((c, j) => {
        const version = versions[j];
        if (version === undefined) unchecked += 1;
        else if (isStale(version, c.version, maxVersion))
          stale.push({ entry: c.entry, indexedVersion: c.version, recordVersion: version });
      });
    }
    const looked = [...absent.map((e) => e.soul), ...stale.map((s) => s.entry.soul)];
    const [reasons, skips] = await Promise.all([
      deps.deadLetters.reasonsOf(looked),
      deps.policySkips.reasonsOf(looked),
    ]);
    /** A dead letter or a policy skip accounts for an entry not (or not newly) indexed. */
    const accounted = (soul: string) => {
      const letter = reasons.get(soul);
      if (letter !== undefined) {
        tally.add('deadLettered', { soul, reason: letter }, letter);
        return true;
      }
      const skip = skips.get(soul);
      if (skip !== undefined) {
        tally.add('skipped', { soul, reason: skip }, skip);
        return true;
      }
      return false;
    };
    for (const s of stale) {
      if (accounted(s.entry.soul)) continue;
      tally.add('stale', {
        soul: s.entry.soul,
        recordType: s.entry.recordType,
        indexedVersion: s.indexedVersion,
        recordVersion: s.recordVersion,
      });
      fixTransform.push(s.entry);
    }
    const missing = absent.filter((entry) => !accounted(entry.soul));
    const queued = await transformQueued(
      deps,
      missing.map((entry) => entry.soul),
    );
    missing.forEach((entry, i) => {
      const sample = { soul: entry.soul, recordType: entry.recordType };
      tally.add('missing', sample);
      if (queued[i]) tally.add('queued', sample);
      else {
        tally.add('unaccounted', sample);
        fixTransform.push(entry);
      }
    });
    await flushFixes();
  };

  let ended = false;
  return {
    async addType(recordType, entries) {
      signal?.throwIfAborted();
      if (!types.includes(recordType)) types.push(recordType); // fed a page at a time
      entriesSeen += entries.length;
      for (let i = 0; i < entries.length; i += pageSize) {
        const page = entries.slice(i, i + pageSize);
        await listed.raise(page.map((e) => [e.soul, e.timestamp ?? 0]));
        await deps.redis.expire(listedKey, spillTtlSeconds);
        await comparePage(page);
      }
    },
    async finish() {
      ended = true;
      try {
        for await (const page of scanGunDocuments(deps.es, {
          index: deps.index,
          pageSize,
          ...(options.type === undefined ? {} : { type: options.type }),
        })) {
          signal?.throwIfAborted();
          documents += page.length;
          const souls = page.map((d) => d.soul);
          const [registeredAt, deletedAt] = await Promise.all([
            listed.getMany(souls),
            deleted.getMany(page.map((d) => d.did)),
          ]);
          page.forEach((doc, i) => {
            const verdict = classifyDocument({
              version: doc.version,
              registeredAt: registeredAt[i],
              deletedAt: deletedAt[i],
            });
            if (verdict === 'shouldBeDeleted') {
              const version = deletedAt[i] as number;
              tally.add('shouldBeDeleted', {
                did: doc.did,
                indexedVersion: doc.version,
                deletedAt: version,
              });
              fixDelete.push({ did: doc.did, soul: doc.soul, version });
            } else if (verdict === 'orphaned') {
              tally.add('orphaned', { did: doc.did, indexedVersion: doc.version });
              if (options.deleteOrphans)
                fixDelete.push({ did: doc.did, soul: doc.soul, version: doc.version });
            }
          });
          await flushFixes();
        }
      } finally {
        await cleanup();
      }
      return {
        type: options.type ?? null,
        deep: options.deep ?? false,
        types,
        entries: entriesSeen,
        documents,
        deletions,
        counts: tally.counts(),
        unchecked,
        fixed: options.fix ? fixed : null,
        durationMs: deps.now().getTime() - startedAt,
      };
    },
    async abort() {
      if (ended) return;
      ended = true;
      await cleanup();
    },
  };
}
