import { describe, expect, it } from 'vitest';
import {
  ReconcileError,
  reconcileStates,
  type ReconcileOptions,
  type ReconcileReport,
} from '@sync/discovery/reconcile';
import { useTestApp } from '../testing.js';

const t = useTestApp();

const report = (over: Partial<ReconcileReport> = {}): ReconcileReport => ({
  type: null,
  deep: false,
  types: ['post'],
  entries: 2,
  documents: 1,
  deletions: 0,
  counts: Object.fromEntries(
    reconcileStates.map((state) => [state, { count: 0, samples: [] as never[] }]),
  ) as unknown as ReconcileReport['counts'],
  unchecked: 0,
  fixed: null,
  durationMs: 12,
  ...over,
});

/** A reconciler of our narrow interface that records the options it ran with. */
const recording = (result: () => Promise<ReconcileReport>) => {
  const runs: ReconcileOptions[] = [];
  return {
    runs,
    reconciler: {
      run(options: ReconcileOptions = {}) {
        runs.push(options);
        return result();
      },
    },
  };
};

describe('GET /api/reconcile', () => {
  it('needs the admin token', async () => {
    await t.build({ reconciler: recording(async () => report()).reconciler });
    expect((await t.anonymous('GET', '/api/reconcile')).statusCode).toBe(401);
  });

  it('returns the report and never fixes', async () => {
    const missing = { count: 1, samples: [{ soul: 'abc:1', recordType: 'post' }] };
    const { reconciler, runs } = recording(async () =>
      report({ counts: { ...report().counts, missing, unaccounted: missing } }),
    );
    await t.build({ reconciler });
    const res = await t.admin('GET', '/api/reconcile?type=post');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ counts: { missing, unaccounted: missing }, fixed: null });
    expect(runs).toEqual([{ type: 'post', deep: false }]);
  });

  it('answers 400 with one line for an unknown type', async () => {
    const message = 'unknown record type "nope" (the registry and GUN_SYNC_RECORD_TYPES list post)';
    await t.build({
      reconciler: recording(() =>
        Promise.reject(new ReconcileError(message, undefined, 'bad-input')),
      ).reconciler,
    });
    const res = await t.admin('GET', '/api/reconcile?type=nope');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'SYNC_RECONCILE_FAILED', message });
  });

  it('answers 503 with the line, never a partial report, when a dependency is down', async () => {
    const message = 'GUN relay http://127.0.0.1:9 is unreachable (fetch failed: ECONNREFUSED)';
    await t.build({
      reconciler: recording(() => Promise.reject(new ReconcileError(message))).reconciler,
    });
    const res = await t.admin('GET', '/api/reconcile');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      statusCode: 503,
      code: 'SYNC_RECONCILE_FAILED',
      error: 'Service Unavailable',
      message,
    });
  });
});

describe('POST /api/reconcile', () => {
  it('runs with fix and returns what was enqueued', async () => {
    const { reconciler, runs } = recording(async () =>
      report({ fixed: { transform: 2, delete: 1 } }),
    );
    await t.build({ reconciler });
    const res = await t.admin('POST', '/api/reconcile', { deleteOrphans: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ fixed: { transform: 2, delete: 1 } });
    expect(runs).toEqual([{ deep: false, fix: true, deleteOrphans: true }]);
  });

  it('rejects unknown body fields', async () => {
    await t.build({ reconciler: recording(async () => report()).reconciler });
    expect((await t.admin('POST', '/api/reconcile', { fix: false })).statusCode).toBe(400);
  });
});
