import { describe, expect, it } from 'vitest';
import { QueueName } from '@sync/queues';
import type { ApiDeps } from '../app.js';
import {
  aDeadLetter,
  aQueue,
  aSnapshot,
  memoryDeadLetters,
  now,
  testConfig,
  useTestApp,
} from '../testing.js';

const t = useTestApp();
const scrape = (send = t.anonymous) => send('GET', '/metrics');

const deps = (over: Partial<ApiDeps> = {}): Partial<ApiDeps> => ({
  stats: {
    snapshot: async () =>
      aSnapshot({
        counters: { discovered: 9, synced: 7, error: 2, cycles: 5 },
        errorsByReason: { 'invalid-record': 2 },
        lastScanStartedAt: now - 5_000,
        lastScanEndedAt: now - 2_000,
        cycles: [
          { startedAt: now - 5_000, endedAt: now - 2_000, discovered: 9, enqueued: 9, errors: 0 },
        ],
        registryCounts: { post: 9 },
      }),
  },
  pipeline: {
    read: async () => [
      aQueue(QueueName.transform, { oldestWaitingAt: now - 1_500 }, { waiting: 4, failed: 1 }),
    ],
  },
  deadLetters: memoryDeadLetters([aDeadLetter('aaaaaaaaaaaa:1', 'decrypt-failed')]),
  ...over,
});

describe('GET /metrics', () => {
  it('exposes pipeline counters, durations, queue counts, lag and dead letters', async () => {
    await t.build(deps());
    const res = await scrape();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toContain('sync_pipeline_records{outcome="synced"} 7');
    expect(text).toContain('sync_pipeline_records{outcome="error"} 2');
    expect(text).toContain('sync_pipeline_errors{reason="invalid-record"} 2');
    expect(text).toContain('sync_pipeline_scan_cycles 5');
    expect(text).toContain('sync_pipeline_last_scan_duration_seconds 3');
    expect(text).toContain('sync_pipeline_registry_entries{record_type="post"} 9');
    expect(text).toContain('sync_queue_jobs{queue="sync.transform",state="waiting"} 4');
    expect(text).toContain('sync_queue_jobs{queue="sync.transform",state="failed"} 1');
    expect(text).toContain('sync_queue_lag_seconds{queue="sync.transform"} 1.5');
    expect(text).toContain('sync_dead_letters{reason="decrypt-failed"} 1');
  });

  it('drops labels that disappeared since the last scrape', async () => {
    const letters = memoryDeadLetters([aDeadLetter('aaaaaaaaaaaa:1', 'decrypt-failed')]);
    await t.build(deps({ deadLetters: letters }));
    expect((await scrape()).body).toContain('reason="decrypt-failed"');
    letters.entries.clear();
    expect((await scrape()).body).not.toContain('reason="decrypt-failed"');
  });

  it('needs the token only with API_HEALTH_AUTH=true', async () => {
    await t.build(deps({ config: testConfig({ API_HEALTH_AUTH: 'true' }) }));
    expect((await scrape()).statusCode).toBe(401);
    expect((await scrape(t.admin)).statusCode).toBe(200);
  });
});
