import { describe, expect, it } from 'vitest';
import { QueueName } from '@sync/queues';
import type { ScanStatus } from '../sync-control.js';
import {
  aQueue,
  aSnapshot,
  memoryDeadLetters,
  aDeadLetter,
  now,
  recordingControl,
  testConfig,
  useTestApp,
  type Payload,
} from '../testing.js';

const t = useTestApp();
const report = () => t.anonymous('GET', '/api/health/gun-sync');
const force = (payload?: Payload) => t.admin('POST', '/api/health/gun-sync/force', payload);

const freshStats = {
  snapshot: async (_at: number, windowMinutes = 15) =>
    aSnapshot({
      counters: { discovered: 12, synced: 10, error: 1, cycles: 3 },
      lastScanStartedAt: now - 20_000,
      lastScanEndedAt: now - 10_000,
      registryCounts: { post: 12 },
      recent: { windowMinutes, ok: 10, errors: 1 },
    }),
};

describe('GET /api/health/gun-sync', () => {
  it('answers 200 with the OIP shape when healthy', async () => {
    await t.build({
      stats: freshStats,
      deadLetters: memoryDeadLetters([aDeadLetter('abcdefabcdef:x')]),
      pipeline: { read: async () => [aQueue(QueueName.discover), aQueue(QueueName.transform)] },
      peers: async () => [
        { url: 'http://127.0.0.1:8765/gun', kind: 'local', reachable: true, latencyMs: 2 },
      ],
    });
    const res = await report();
    expect(res.statusCode).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body)).toEqual(
      expect.arrayContaining([
        'service',
        'status',
        'running',
        'nodeId',
        'metrics',
        'configuration',
        'registry',
      ]),
    );
    expect(body).toMatchObject({
      service: 'gun-sync',
      status: 'healthy',
      running: true,
      nodeId: 'node-test',
      metrics: {
        totalDiscovered: 12,
        totalSynced: 10,
        totalErrors: 1,
        successRate: '90.9%',
        lastSyncAgo: '10s ago',
      },
      registry: { recordsByType: { post: 12 }, totalRecordsRegistered: 12 },
      deadLetters: { total: 1, byReason: { 'invalid-record': 1 } },
      peers: [{ reachable: true }],
    });
  });

  it('answers 503 with the same body when unhealthy', async () => {
    await t.build();
    const res = await report();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'unhealthy',
      health: { scan: { ok: false, detail: 'no full scan has ended yet' } },
      metrics: { lastSyncAgo: 'never' },
    });
  });

  it('answers 503 naming a dependency that does not answer, with its reason', async () => {
    await t.build({
      stats: freshStats,
      checks: {
        redis: async () => {},
        elasticsearch: async () => {
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9200'), {
            code: 'ECONNREFUSED',
          });
        },
      },
    });
    const res = await report();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'unhealthy',
      health: {
        scan: { ok: true },
        dependencies: { ok: false, detail: 'elasticsearch: connect ECONNREFUSED 127.0.0.1:9200' },
      },
      dependencies: {
        redis: { ok: true },
        elasticsearch: { ok: false, error: 'connect ECONNREFUSED 127.0.0.1:9200' },
      },
    });
  });

  it("answers OIP's 503 'unavailable' when Redis cannot be read", async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    await t.build({ stats: { snapshot: () => Promise.reject(refused) } });
    const res = await report();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      service: 'gun-sync',
      status: 'unavailable',
      message: 'the pipeline state in Redis cannot be read',
    });
  });

  it('answers a generic 500 on an unexpected failure', async () => {
    await t.build({ stats: { snapshot: () => Promise.reject(new Error('secret detail')) } });
    const res = await report();
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      statusCode: 500,
      code: 'SYNC_INTERNAL',
      error: 'Internal Server Error',
      message: 'internal error',
    });
  });

  it('is open by default and needs the token with API_HEALTH_AUTH=true', async () => {
    await t.build({ stats: freshStats, config: testConfig({ API_HEALTH_AUTH: 'true' }) });
    const denied = await report();
    expect(denied.statusCode).toBe(401);
    expect(denied.json()).toMatchObject({ code: 'SYNC_AUTH_REQUIRED' });
    const allowed = await t.admin('GET', '/api/health/gun-sync');
    expect(allowed.statusCode).toBe(200);
  });
});

describe('POST /api/health/gun-sync/force', () => {
  it('answers 202 at once with a handle (no body: a full scan)', async () => {
    const { control, scans } = recordingControl();
    await t.build({ control });
    const res = await force();
    expect(res.statusCode).toBe(202);
    const body = res.json<{ id: string; statusUrl: string }>();
    expect(body).toMatchObject({ message: 'Sync cycle requested', deduplicated: false });
    expect(body.id).toMatch(/^force-/);
    expect(body.statusUrl).toBe(`/api/health/gun-sync/force/${body.id}`);
    expect(res.headers.location).toBe(body.statusUrl);
    expect(scans).toEqual([
      { scope: 'all', recordType: undefined, soul: undefined, ignoreWatermarks: false },
    ]);
  });

  it.each([
    [
      { scope: 'type', recordType: 'post' },
      { scope: 'type', recordType: 'post' },
    ],
    [
      { scope: 'soul', soul: 'abcdefabcdef:x:y' },
      { scope: 'soul', soul: 'abcdefabcdef:x:y' },
    ],
    [
      { scope: 'soul', soul: 'abcdefabcdef:x', recordType: 'post' },
      { scope: 'soul', soul: 'abcdefabcdef:x', recordType: 'post' },
    ],
    [{ scope: 'deletions' }, { scope: 'deletions' }],
    [{ ignoreWatermarks: true }, { scope: 'all', ignoreWatermarks: true }],
  ])('passes the scope %j on', async (payload, expected) => {
    const { control, scans } = recordingControl();
    await t.build({ control });
    const res = await force(payload);
    expect(res.statusCode).toBe(202);
    expect(scans[0]).toMatchObject(expected);
  });

  it.each([
    [{ scope: 'everything' }, 'FST_ERR_VALIDATION'],
    [{ scope: 'all', extra: 1 }, 'FST_ERR_VALIDATION'],
    [{ scope: 'type', recordType: 'no spaces allowed' }, 'FST_ERR_VALIDATION'],
    [{ scope: 'type' }, 'SYNC_BAD_SCOPE'],
    [{ scope: 'soul' }, 'SYNC_BAD_SCOPE'],
    [{ scope: 'all', soul: 'abcdefabcdef:x' }, 'SYNC_BAD_SCOPE'],
    [{ scope: 'deletions', recordType: 'post' }, 'SYNC_BAD_SCOPE'],
  ])('rejects %j with 400', async (payload, code) => {
    const { control, scans } = recordingControl();
    await t.build({ control });
    const res = await force(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code, error: 'Bad Request' });
    expect(scans).toEqual([]);
  });

  it('answers 401 without the token, before looking at the body', async () => {
    const { control, scans } = recordingControl();
    await t.build({ control });
    const res = await t.anonymous('POST', '/api/health/gun-sync/force', { scope: 'bad' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="gun-sync"');
    expect(res.json()).toEqual({
      statusCode: 401,
      code: 'SYNC_AUTH_REQUIRED',
      error: 'Unauthorized',
      message: 'this route needs the admin token: Authorization: Bearer <API_ADMIN_TOKEN>',
    });
    expect(scans).toEqual([]);
  });

  it('answers 401 with a wrong token', async () => {
    await t.build();
    const res = await t.as({ authorization: 'Bearer not-the-token-at-all' })(
      'POST',
      '/api/health/gun-sync/force',
    );
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({
      code: 'SYNC_AUTH_INVALID',
      message: 'the admin token is not valid',
    });
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers 403 when no admin token is configured', async () => {
    await t.build({ config: testConfig({ API_ADMIN_TOKEN: '' }) });
    const res = await force();
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      statusCode: 403,
      code: 'SYNC_ADMIN_DISABLED',
      error: 'Forbidden',
    });
  });

  it('answers 503 when Redis refuses the job', async () => {
    const { control } = recordingControl();
    control.requestScan = () =>
      Promise.reject(
        Object.assign(
          new Error("Stream isn't writeable and enableOfflineQueue options is false"),
          {},
        ),
      );
    await t.build({ control });
    const res = await force();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'SYNC_REDIS_UNAVAILABLE' });
  });
});

describe('GET /api/health/gun-sync/force/:id', () => {
  const id = 'force-0b0e8a8e-7d6c-4b5a-9f8e-7d6c5b4a3f2e';
  const status: ScanStatus = {
    id,
    state: 'completed',
    request: { scope: 'all', ignoreWatermarks: false, requestedAt: new Date(now).toISOString() },
    attemptsMade: 1,
    startedAt: now + 10,
    finishedAt: now + 1_010,
    progress: { discovered: 5, enqueued: 2, typesDone: 1, typesTotal: 1, currentType: 'post' },
    result: {
      scope: 'all',
      types: 1,
      discovered: 5,
      enqueued: 2,
      skipped: { own: 3 },
      deletions: null,
      errors: [],
      durationMs: 1000,
    },
    failedReason: null,
  };
  const statusOf = (handle: string, send = t.anonymous) =>
    send('GET', `/api/health/gun-sync/force/${handle}`);

  it('reports state, progress and outcome', async () => {
    await t.build({ control: recordingControl({ [id]: status }).control });
    const res = await statusOf(id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ...status,
      startedAt: new Date(now + 10).toISOString(),
      finishedAt: new Date(now + 1_010).toISOString(),
    });
  });

  it('answers 404 for an unknown handle', async () => {
    await t.build();
    const res = await statusOf(id);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'SYNC_UNKNOWN_HANDLE' });
  });

  it('answers 400 for something that is not a handle', async () => {
    await t.build();
    const res = await statusOf('repeat-1234');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FST_ERR_VALIDATION' });
  });

  it('needs the token only with API_HEALTH_AUTH=true', async () => {
    await t.build({
      config: testConfig({ API_HEALTH_AUTH: 'true' }),
      control: recordingControl({ [id]: status }).control,
    });
    expect((await statusOf(id)).statusCode).toBe(401);
    expect((await statusOf(id, t.admin)).statusCode).toBe(200);
  });
});
