import { describe, expect, it } from 'vitest';
import { QueueName } from '@sync/queues';
import {
  aDeadLetter,
  aQueue,
  aSnapshot,
  memoryDeadLetters,
  memorySeries,
  now,
  useTestApp,
} from '../testing.js';

const t = useTestApp();

describe('status page', () => {
  it('serves the page and its script as they are', async () => {
    await t.build();
    const page = await t.anonymous('GET', '/status');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<script src="/status/status.js"></script>');
    const script = await t.anonymous('GET', '/status/status.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body).toContain("fetch('/api/status'");
  });

  it('answers the figures, the scans, the reconciliation and one sample per step', async () => {
    let at = now;
    const series = memorySeries();
    await t.build({
      now: () => at,
      series,
      stats: {
        snapshot: async () =>
          aSnapshot({
            counters: { discovered: 5, synced: 3, error: 1, reconciledDocuments: 40, orphans: 2 },
            cycles: [
              {
                startedAt: now - 9_000,
                endedAt: now - 4_000,
                discovered: 5,
                enqueued: 5,
                errors: 0,
              },
            ],
          }),
      },
      pipeline: {
        read: async () => [
          aQueue(QueueName.transform, { oldestWaitingAt: now - 2_000 }, { waiting: 4, active: 1 }),
          aQueue(QueueName.index, {}, { waiting: 2 }),
        ],
      },
      deadLetters: memoryDeadLetters([aDeadLetter('abcdefabcdef:1', 'invalid-record')]),
    });
    const first = await t.anonymous('GET', '/api/status');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      report: { nodeId: 'node-test', backlog: 7, metrics: { totalSynced: 3 } },
      scans: [{ discovered: 5, enqueued: 5, errors: 0 }],
      reconciliation: { checked: 40, orphans: 2 },
      series: {
        stepMs: 10_000,
        samples: [{ transform: 5, index: 2, lagMs: 2_000, synced: 3, errors: 1, deadLetters: 1 }],
      },
    });
    at += 1_000; // same step: no second sample
    expect((await t.anonymous('GET', '/api/status')).json()).toMatchObject({
      series: { samples: [{}] },
    });
    at += 10_000;
    const later = (await t.anonymous('GET', '/api/status')).json<{
      series: { samples: unknown[] };
    }>();
    expect(later.series.samples).toHaveLength(2);
  });

  it("answers OIP's 503 'unavailable' when Redis cannot be read", async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await t.build({ stats: { snapshot: () => Promise.reject(refused) } });
    const res = await t.anonymous('GET', '/api/status');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable' });
  });
});
