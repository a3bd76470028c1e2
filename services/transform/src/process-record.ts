/**
 * Consumes sync.transform: fetches one record's graph from GUN, parses, decrypts, checks the
 * signature and converts it (all pure, in @sync/records), then hands the document to the
 * indexer sealed with the service key, so no record content is ever in Redis in clear.
 * Idempotent per (soul, version): the index job id derives from both, so a replay is dropped
 * while that job waits or runs; once it has finished (a failed job is kept a day), the same
 * (soul, version) runs again, so a retried dead letter or a forced re-sync really reaches
 * Elasticsearch.
 *
 * Outcomes: a transient GUN failure is retried with backoff; a record that stays missing, or is
 * invalid, undecryptable or badly signed (under enforce) is parked in the dead-letter set and
 * fails without retries; the two policy switches (private sync off, foreign decrypt off) are
 * counted skips, the soul noted with its reason (`policySkips`) until a later run hands it on. A success resolves this stage's dead letter for the soul; an index-stage one
 * stays until the indexer has written that version (or a newer one).
 */
import type { GunRegistry } from '@sync/gun-client';
import type { Logger } from '@sync/logging';
import {
  JobName,
  jobIdFor,
  sealContext,
  type Producer,
  type TransformRecordJob,
} from '@sync/queues';
import type { SkipReason, TransformRecord } from '@sync/records';
import { SyncError } from '@sync/runtime/errors';
import type { DeadLetters, PolicySkips, Stats, Watermarks } from '@sync/state';

export interface ProcessRecordDeps {
  gun: Pick<GunRegistry, 'readRecord'>;
  transformRecord: TransformRecord;
  /** Seals the document for Redis, bound to the soul (the indexer opens it with the same). */
  /** Seals with the service key; `context` is the associated data (`sealContext`). */
  seal: (document: unknown, context: string) => string;
  index: Pick<Producer<'sync.index'>, 'rerun'>;
  deadLetters: Pick<DeadLetters, 'record' | 'resolve'>;
  /** Souls skipped by policy, with the reason: reconciliation reports them as skipped. */
  policySkips: Pick<PolicySkips, 'record' | 'clear'>;
  stats: Pick<Stats, 'count'>;
  selfNodeId: string;
  now: () => Date;
  /** A record missing from GUN is re-read this many times before it is dead-lettered. */
  missingAttempts: number;
  /** The version last indexed per soul: a recheck of a record already indexed ends there. */
  watermarks: Pick<Watermarks, 'indexed'>;
}

export type ProcessRecordResult =
  | { outcome: 'queued'; did: string; version: number }
  | { outcome: 'skipped'; reason: SkipReason | 'unchanged' };

/** Policy switches: counted, not failures. */
const policySkips: ReadonlySet<SkipReason> = new Set([
  'private-sync-disabled',
  'foreign-decrypt-disabled',
]);

/** A partial GUN read (a linked node not there yet): read again later, park only when it stays partial. */
const rereadReasons: ReadonlySet<SkipReason> = new Set(['incomplete-record']);

export class RecordUnavailableError extends SyncError {
  constructor(soul: string, cause?: unknown) {
    super('SYNC_GUN_UNAVAILABLE', `record ${soul} could not be read from GUN`, {
      retryable: true,
      cause,
    });
  }
}

export class RecordRejectedError extends SyncError {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super('SYNC_RECORD_REJECTED', `${reason}: ${detail}`, { retryable: false });
  }
}

export function makeProcessRecord(deps: ProcessRecordDeps) {
  const park = async (
    input: TransformRecordJob,
    reason: string,
    detail: string,
  ): Promise<never> => {
    const letter = await deps.deadLetters.record({
      soul: input.soul,
      did: `did:gun:${input.soul}`,
      stage: 'transform',
      reason,
      detail,
      at: deps.now().getTime(),
    });
    // Counted once per parked record: the same bad record read again (a scan after the live
    // path, a recheck) adds an attempt to its dead letter, not another error.
    if (letter.attempts === 1) await deps.stats.count('error', 1, reason);
    throw new RecordRejectedError(reason, detail);
  };

  return async function processRecord(
    input: TransformRecordJob,
    { log, attemptsMade, signal }: { log: Logger; attemptsMade: number; signal?: AbortSignal },
  ): Promise<ProcessRecordResult> {
    const read = await deps.gun.readRecord(input.soul, signal ? { signal } : {});
    if (read.status === 'error') throw new RecordUnavailableError(input.soul, read.error);
    if (read.status === 'not-found') {
      if (attemptsMade + 1 < deps.missingAttempts) throw new RecordUnavailableError(input.soul);
      return park(input, 'not-found', `no record at soul after ${deps.missingAttempts} reads`);
    }

    const registry =
      input.nodeId !== 'unknown'
        ? {
            nodeId: input.nodeId,
            ...(input.registryTimestamp !== undefined
              ? { timestamp: input.registryTimestamp }
              : {}),
          }
        : undefined;
    const result = await deps.transformRecord(
      { ...read.value, ...(registry ? { registry } : {}) },
      { syncedAt: deps.now(), foreign: input.nodeId !== deps.selfNodeId },
    );
    if (!result.ok) {
      if (rereadReasons.has(result.reason) && attemptsMade + 1 < deps.missingAttempts)
        throw new RecordUnavailableError(input.soul);
      if (policySkips.has(result.reason)) {
        await deps.policySkips.record(input.soul, result.reason);
        await deps.stats.count('skipped', 1, result.reason);
        log.debug({ reason: result.reason }, 'record skipped by policy');
        return { outcome: 'skipped', reason: result.reason };
      }
      log.warn({ reason: result.reason, detail: result.detail }, 'record rejected');
      return park(input, result.reason, result.detail);
    }

    const { document } = result;
    if (input.trigger === 'recheck') {
      const indexed = await deps.watermarks.indexed(input.soul);
      if (indexed !== undefined && indexed >= document.version) {
        await deps.stats.count('skipped', 1, 'unchanged');
        log.debug({ version: document.version, indexed }, 'recheck: record unchanged');
        return { outcome: 'skipped', reason: 'unchanged' };
      }
    }
    const plain = JSON.stringify(document);
    const queued = await deps.index.rerun(
      JobName.indexDocument,
      {
        did: document._id,
        soul: input.soul,
        version: document.version,
        sealed: deps.seal(document, sealContext({ soul: input.soul, version: document.version })),
        bytes: Buffer.byteLength(plain),
      },
      { jobId: jobIdFor('index', input.soul, document.version) },
    );
    await Promise.all([
      deps.deadLetters.resolve(input.soul, { stage: 'transform' }),
      deps.policySkips.clear(input.soul),
    ]);
    log.debug(
      {
        did: document._id,
        version: document.version,
        added: queued.added,
        bytes: plain.length,
        decrypted: result.decrypted?.mode,
      },
      'record transformed',
    );
    return { outcome: 'queued', did: document._id, version: document.version };
  };
}
