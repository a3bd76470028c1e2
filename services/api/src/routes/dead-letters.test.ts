import { describe, expect, it } from 'vitest';
import {
  aDeadLetter,
  memoryDeadLetters,
  now,
  recordingControl,
  useTestApp,
  type Payload,
} from '../testing.js';

const t = useTestApp();
const list = (query = '') => t.admin('GET', `/api/dead-letters${query}`);
const retry = (payload: Payload) => t.admin('POST', '/api/dead-letters/retry', payload);
const drop = (soul: string) =>
  t.admin('DELETE', `/api/dead-letters?soul=${encodeURIComponent(soul)}`);

const letters = () =>
  memoryDeadLetters([
    aDeadLetter('aaaaaaaaaaaa:1', 'invalid-record', { lastFailedAt: now - 3_000 }),
    aDeadLetter('aaaaaaaaaaaa:2', 'decrypt-failed', { lastFailedAt: now - 2_000, attempts: 3 }),
    aDeadLetter('aaaaaaaaaaaa:3', 'invalid-record', { lastFailedAt: now - 1_000 }),
  ]);

describe('GET /api/dead-letters', () => {
  it('lists entries with reason, first and last failure and attempts, newest first', async () => {
    await t.build({ deadLetters: letters() });
    const res = await list('?limit=2');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: unknown[] }>();
    expect(body).toMatchObject({
      total: 3,
      offset: 0,
      limit: 2,
      byReason: { 'invalid-record': 2, 'decrypt-failed': 1 },
    });
    expect(body.items).toEqual([
      {
        soul: 'aaaaaaaaaaaa:3',
        did: 'did:gun:aaaaaaaaaaaa:3',
        stage: 'transform',
        reason: 'invalid-record',
        detail: 'invalid-record: test',
        firstFailedAt: new Date(now - 60_000).toISOString(),
        lastFailedAt: new Date(now - 1_000).toISOString(),
        attempts: 1,
      },
      expect.objectContaining({ soul: 'aaaaaaaaaaaa:2', attempts: 3 }),
    ]);
  });

  it('shows the version that failed where the stage recorded one', async () => {
    await t.build({
      deadLetters: memoryDeadLetters([
        aDeadLetter('aaaaaaaaaaaa:4', 'es-rejected', { stage: 'index', version: 1_700 }),
      ]),
    });
    const res = await list();
    expect(res.json()).toMatchObject({
      items: [{ soul: 'aaaaaaaaaaaa:4', stage: 'index', version: 1_700 }],
    });
  });

  it('filters by reason', async () => {
    await t.build({ deadLetters: letters() });
    const res = await list('?reason=decrypt-failed');
    expect(res.json()).toMatchObject({ total: 1, items: [{ soul: 'aaaaaaaaaaaa:2' }] });
  });

  it.each(['limit=0', 'limit=501', 'offset=-1', 'limit=abc', 'unknown=1'])(
    'rejects ?%s with 400',
    async (query) => {
      await t.build({ deadLetters: letters() });
      const res = await list(`?${query}`);
      expect(res.statusCode).toBe(400);
    },
  );

  it('needs the token', async () => {
    await t.build({ deadLetters: letters() });
    const res = await t.anonymous('GET', '/api/dead-letters');
    expect(res.statusCode).toBe(401);
  });
});

describe('POST /api/dead-letters/retry', () => {
  it('retries one soul', async () => {
    const { control, retried } = recordingControl();
    await t.build({ deadLetters: letters(), control });
    const res = await retry({ soul: 'aaaaaaaaaaaa:2' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ requested: 1, jobIds: ['retry-0'] });
    expect(retried).toEqual([['aaaaaaaaaaaa:2']]);
  });

  it('retries every soul of a reason', async () => {
    const { control, retried } = recordingControl();
    await t.build({ deadLetters: letters(), control });
    const res = await retry({ reason: 'invalid-record' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ requested: 2 });
    expect(retried[0]?.sort()).toEqual(['aaaaaaaaaaaa:1', 'aaaaaaaaaaaa:3']);
  });

  it('retries a large reason page by page, showing the first 100 job ids', async () => {
    const { control, retried } = recordingControl();
    const many = memoryDeadLetters(
      Array.from({ length: 2_500 }, (_, i) =>
        aDeadLetter(`aaaaaaaaaaaa:${i}`, 'incomplete-record', { lastFailedAt: now - i }),
      ),
    );
    await t.build({ deadLetters: many, control });
    const res = await retry({ reason: 'incomplete-record' });
    expect(res.statusCode).toBe(202);
    const body = res.json<{ requested: number; jobIds: string[] }>();
    expect(body.requested).toBe(2_500);
    expect(body.jobIds).toHaveLength(100);
    expect(retried.map((chunk) => chunk.length)).toEqual([1_000, 1_000, 500]);
    expect(new Set(retried.flat()).size).toBe(2_500);
  });

  it('answers 404 for a soul that is not dead-lettered', async () => {
    const { control, retried } = recordingControl();
    await t.build({ deadLetters: letters(), control });
    const res = await retry({ soul: 'bbbbbbbbbbbb:1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'SYNC_NOT_DEAD_LETTERED' });
    expect(retried).toEqual([]);
  });

  it.each([{}, { soul: 'aaaaaaaaaaaa:1', reason: 'invalid-record' }, { soul: '' }, { other: 'x' }])(
    'rejects %j with 400',
    async (payload) => {
      await t.build({ deadLetters: letters() });
      const res = await retry(payload);
      expect(res.statusCode).toBe(400);
    },
  );

  it('needs the token', async () => {
    const { control, retried } = recordingControl();
    await t.build({ deadLetters: letters(), control });
    const res = await t.anonymous('POST', '/api/dead-letters/retry', { reason: 'x' });
    expect(res.statusCode).toBe(401);
    expect(retried).toEqual([]);
  });
});

describe('DELETE /api/dead-letters', () => {
  it('drops one entry', async () => {
    const deadLetters = letters();
    await t.build({ deadLetters });
    const res = await drop('aaaaaaaaaaaa:1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ soul: 'aaaaaaaaaaaa:1', dropped: true });
    expect([...deadLetters.entries.keys()].sort()).toEqual(['aaaaaaaaaaaa:2', 'aaaaaaaaaaaa:3']);
  });

  it('answers 404 when there is nothing to drop', async () => {
    await t.build({ deadLetters: letters() });
    const res = await drop('nothing');
    expect(res.statusCode).toBe(404);
  });

  it('answers 400 without a soul', async () => {
    await t.build({ deadLetters: letters() });
    const res = await t.admin('DELETE', '/api/dead-letters');
    expect(res.statusCode).toBe(400);
  });

  it('needs the token', async () => {
    const deadLetters = letters();
    await t.build({ deadLetters });
    const res = await t.anonymous('DELETE', '/api/dead-letters?soul=aaaaaaaaaaaa:1');
    expect(res.statusCode).toBe(401);
    expect(deadLetters.entries.size).toBe(3);
  });
});
