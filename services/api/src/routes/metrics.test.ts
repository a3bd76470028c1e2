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

  it('exports whether each dependency answers, and the queue rate limits', async () => {
    await t.build(
      deps({
        checks: {
          redis: async () => {},
          elasticsearch: async () => {
            throw new Error('connection refused');
          },
        },
        pipeline: { read: async () => [aQueue(QueueName.index, { rateLimitMs: 2_500 })] },
        peers: async () => [
          { url: 'http://relay-a:8765/gun', kind: 'local', reachable: true, latencyMs: 1 },
          { url: 'https://b.example/gun', kind: 'external', reachable: false, error: 'refused' },
        ],
      }),
    );
    const text = (await scrape()).body;
    expect(text).toContain('sync_peer_up{peer="http://relay-a:8765/gun",kind="local"} 1');
    expect(text).toContain('sync_peer_up{peer="https://b.example/gun",kind="external"} 0');
    expect(text).toContain('sync_dependency_up{dependency="redis"} 1');
    expect(text).toContain('sync_dependency_up{dependency="elasticsearch"} 0');
    expect(text).toContain('sync_queue_rate_limit_seconds{queue="sync.index"} 2.5');
  });

  it('still exports the dependency gauges when Redis cannot be read', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    let redisDown = false;
    await t.build(
      deps({
        checks: {
          redis: async () => {
            if (redisDown) throw refused;
          },
        },
        pipeline: {
          read: async () => {
            if (redisDown) throw refused;
            return [aQueue(QueueName.transform, {}, { waiting: 4 })];
          },
        },
      }),
    );
    expect((await scrape()).body).toContain('sync_queue_jobs{queue="sync.transform"');
    redisDown = true;
    const res = await scrape();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('sync_dependency_up{dependency="redis"} 0');
    expect(res.body).not.toContain('sync_queue_jobs{');
  });

  it('needs the token only with API_HEALTH_AUTH=true', async () => {
    await t.build(deps({ config: testConfig({ API_HEALTH_AUTH: 'true' }) }));
    expect((await scrape()).statusCode).toBe(401);
    expect((await scrape(t.admin)).statusCode).toBe(200);
  });
});
