import { describe, expect, it, vi } from 'vitest';
import type { ReadResult, RecordGraph } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import type { TransformRecord, TransformResult } from '@sync/records';
import {
  RecordRejectedError,
  RecordUnavailableError,
  makeProcessRecord,
  type ProcessRecordDeps,
} from './process-record.js';

const graph: RecordGraph = { soul: 'a:1', nodes: { 'a:1': { data: '{}', oip: '{}' } } };
const input = {
  soul: 'a:1',
  recordType: 'post',
  nodeId: 'node-a',
  registryTimestamp: 5,
  trigger: 'scan' as const,
  discoveredAt: '2026-11-21T00:00:00.000Z',
};
const log = createSilentLogger();
const documentOk: TransformResult = {
  ok: true,
  signature: 'valid',
  document: {
    _id: 'did:gun:a:1',
    _index: 'records',
    version: 1700,
    _source: {
      data: {},
      oip: {
        did: 'did:gun:a:1',
        didTx: 'did:gun:a:1',
        storage: 'gun',
        sync: {
          soul: 'a:1',
          version: 1700,
          versionSource: 'indexedAt',
          syncedAt: 'x',
          sourceNodeId: 'node-a',
        },
      },
    },
  },
};

function setup(
  read: ReadResult<RecordGraph>,
  result: TransformResult = documentOk,
  indexed?: number,
  attempts = 1,
) {
  const transformRecord = vi.fn<TransformRecord>(async () => result);
  const deps = {
    gun: { readRecord: vi.fn(async () => read) },
    transformRecord,
    seal: (doc: unknown, context: string) => `sealed(${(doc as { _id: string })._id}@${context})`,
    index: { rerun: vi.fn(async () => ({ id: 'x', added: true })) },
    deadLetters: {
      record: vi.fn(async () => ({ attempts }) as never),
      resolve: vi.fn(async () => true),
    },
    policySkips: { record: vi.fn(async () => {}), clear: vi.fn(async () => {}) },
    stats: { count: vi.fn(async () => {}) },
    selfNodeId: 'node-b',
    now: () => new Date('2026-11-21T12:00:00.000Z'),
    missingAttempts: 3,
    watermarks: { indexed: vi.fn(async () => indexed) },
  } satisfies ProcessRecordDeps;
  return { deps, process: makeProcessRecord(deps) };
}

describe(makeProcessRecord.name, () => {
  it('counts a parked record once: read again, it adds an attempt to its dead letter, not an error', async () => {
    const rejected: TransformResult = { ok: false, reason: 'invalid-record', detail: 'no oip' };
    const first = setup({ status: 'found', value: graph }, rejected, undefined, 1);
    await expect(first.process(input, { log, attemptsMade: 0 })).rejects.toThrow('invalid-record');
    expect(first.deps.stats.count).toHaveBeenCalledWith('error', 1, 'invalid-record');
    const again = setup({ status: 'found', value: graph }, rejected, undefined, 2);
    await expect(again.process(input, { log, attemptsMade: 0 })).rejects.toThrow('invalid-record');
    expect(again.deps.deadLetters.record).toHaveBeenCalledTimes(1);
    expect(again.deps.stats.count).not.toHaveBeenCalled();
  });

  it('ends a recheck of a record whose version is already indexed as unchanged', async () => {
    const { deps, process } = setup({ status: 'found', value: graph }, documentOk, 1700);
    await expect(
      process({ ...input, trigger: 'recheck' }, { log, attemptsMade: 0 }),
    ).resolves.toEqual({ outcome: 'skipped', reason: 'unchanged' });
    expect(deps.index.rerun).not.toHaveBeenCalled();
    expect(deps.stats.count).toHaveBeenCalledWith('skipped', 1, 'unchanged');
  });

  it('indexes a recheck of a record edited without a new registration (newer version)', async () => {
    const { deps, process } = setup({ status: 'found', value: graph }, documentOk, 1600);
    await expect(
      process({ ...input, trigger: 'recheck' }, { log, attemptsMade: 0 }),
    ).resolves.toMatchObject({ outcome: 'queued', version: 1700 });
    expect(deps.index.rerun).toHaveBeenCalledTimes(1);
  });

  it('does not consult the indexed mark for a scan: the indexer decides by version', async () => {
    const { deps, process } = setup({ status: 'found', value: graph }, documentOk, 1700);
    await expect(process(input, { log, attemptsMade: 0 })).resolves.toMatchObject({
      outcome: 'queued',
    });
    expect(deps.watermarks.indexed).not.toHaveBeenCalled();
  });

  it('seals the document and enqueues it with a (soul, version) job id', async () => {
    const { deps, process } = setup({ status: 'found', value: graph });
    await expect(process(input, { log, attemptsMade: 0 })).resolves.toEqual({
      outcome: 'queued',
      did: 'did:gun:a:1',
      version: 1700,
    });
    expect(deps.transformRecord).toHaveBeenCalledWith(
      { ...graph, registry: { nodeId: 'node-a', timestamp: 5 } },
      { syncedAt: new Date('2026-11-21T12:00:00.000Z'), foreign: true },
    );
    const [name, data, opts] = deps.index.rerun.mock.calls[0] as unknown as [
      string,
      Record<string, unknown>,
      { jobId: string },
    ];
    expect(name).toBe('index-document');
    expect(data).toMatchObject({
      did: 'did:gun:a:1',
      soul: 'a:1',
      version: 1700,
      sealed: 'sealed(did:gun:a:1@["a:1",1700])',
    });
    expect(JSON.stringify(data)).not.toContain('"_source"');
    expect(opts.jobId).toMatch(/^index-[0-9a-f]{32}-1700$/);
    expect(deps.deadLetters.resolve).toHaveBeenCalledWith('a:1', { stage: 'transform' });
  });

  it('retries a GUN error', async () => {
    const { process } = setup({ status: 'error', error: new Error('peer unreachable') as never });
    await expect(process(input, { log, attemptsMade: 0 })).rejects.toBeInstanceOf(
      RecordUnavailableError,
    );
  });

  it('re-reads a missing record a few times, then parks it', async () => {
    const { deps, process } = setup({ status: 'not-found' });
    await expect(process(input, { log, attemptsMade: 0 })).rejects.toBeInstanceOf(
      RecordUnavailableError,
    );
    await expect(process(input, { log, attemptsMade: 2 })).rejects.toBeInstanceOf(
      RecordRejectedError,
    );
    expect(deps.deadLetters.record).toHaveBeenCalledWith(
      expect.objectContaining({ soul: 'a:1', reason: 'not-found', stage: 'transform' }),
    );
  });

  it('parks rejected records with their reason and never retries them', async () => {
    const { deps, process } = setup(
      { status: 'found', value: graph },
      { ok: false, reason: 'decrypt-failed', detail: 'no key opened the envelope' },
    );
    const err = await process(input, { log, attemptsMade: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecordRejectedError);
    expect((err as RecordRejectedError).retryable).toBe(false);
    expect(deps.stats.count).toHaveBeenCalledWith('error', 1, 'decrypt-failed');
    expect(deps.index.rerun).not.toHaveBeenCalled();
  });

  it('re-reads a partial record before parking it', async () => {
    const { process } = setup(
      { status: 'found', value: graph },
      { ok: false, reason: 'incomplete-record', detail: 'meta link not resolved' },
    );
    await expect(process(input, { log, attemptsMade: 0 })).rejects.toBeInstanceOf(
      RecordUnavailableError,
    );
    await expect(process(input, { log, attemptsMade: 2 })).rejects.toBeInstanceOf(
      RecordRejectedError,
    );
  });

  it('counts policy skips without failing the job', async () => {
    const { deps, process } = setup(
      { status: 'found', value: graph },
      { ok: false, reason: 'private-sync-disabled', detail: 'GUN_SYNC_PRIVATE_RECORDS=false' },
    );
    await expect(process(input, { log, attemptsMade: 0 })).resolves.toEqual({
      outcome: 'skipped',
      reason: 'private-sync-disabled',
    });
    expect(deps.deadLetters.record).not.toHaveBeenCalled();
    expect(deps.stats.count).toHaveBeenCalledWith('skipped', 1, 'private-sync-disabled');
    expect(deps.policySkips.record).toHaveBeenCalledWith('a:1', 'private-sync-disabled');
  });

  it('drops a policy skip once the soul is handed to the indexer', async () => {
    const { deps, process } = setup({ status: 'found', value: graph });
    await process(input, { log, attemptsMade: 0 });
    expect(deps.policySkips.clear).toHaveBeenCalledWith('a:1');
    expect(deps.policySkips.record).not.toHaveBeenCalled();
  });

  it('treats own records as not foreign and unknown nodes without a registry entry', async () => {
    const { deps, process } = setup({ status: 'found', value: graph });
    await process({ ...input, nodeId: 'unknown' }, { log, attemptsMade: 0 });
    expect(deps.transformRecord).toHaveBeenCalledWith(
      graph,
      expect.objectContaining({ foreign: true }),
    );
    await process({ ...input, nodeId: 'node-b' }, { log, attemptsMade: 0 });
    expect(deps.transformRecord).toHaveBeenLastCalledWith(
      expect.anything(),
      expect.objectContaining({ foreign: false }),
    );
  });
});
