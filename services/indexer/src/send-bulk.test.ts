import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { BulkOp, BulkResult } from '@sync/es-client';
import { createSilentLogger } from '@sync/logging';
import { createIndexerMetrics } from './metrics.js';
import { makeSendBulk } from './send-bulk.js';
import { createThrottle } from './throttle.js';

const ops: BulkOp[] = [
  { action: 'index', index: 'records', id: 'did:gun:a', version: 1, document: {} },
  { action: 'delete', index: 'records', id: 'did:gun:b', version: 2 },
];
const unavailable: BulkResult = {
  outcome: 'retry',
  type: 'ConnectionError',
  reason: 'down',
  throttle: true,
};
const ok: BulkResult = { outcome: 'ok', result: 'created' };

function setup(answers: BulkResult[][]) {
  const pauses: number[] = [];
  const clock = { now: 0 };
  const throttle = createThrottle({
    baseMs: 100,
    maxMs: 1_000,
    pause: async (ms) => void pauses.push(ms),
    random: () => 1,
    timers: { setTimeout: () => undefined, clearTimeout: () => undefined, now: () => clock.now },
  });
  const registry = new Registry();
  const metrics = createIndexerMetrics(registry);
  const send = makeSendBulk({
    write: async () => answers.shift() ?? [],
    throttle,
    metrics,
    log: createSilentLogger(),
  });
  return { send, pauses, throttle, registry, clock };
}

describe(makeSendBulk.name, () => {
  it('pauses the queue once per failed batch, longer each time, and resets after a batch gets through', async () => {
    const { send, pauses, throttle, clock } = setup([
      [unavailable, unavailable],
      [unavailable, unavailable],
      [ok, ok],
      [unavailable, unavailable],
    ]);
    await send(ops, 'full');
    clock.now = 1_000; // each batch after the pause before it
    await send(ops, 'full');
    expect(pauses).toEqual([100, 200]);
    clock.now = 2_000;
    await send(ops, 'full');
    expect(throttle.failures()).toBe(0);
    await send(ops, 'full');
    expect(pauses).toEqual([100, 200, 100]);
  });

  it('does not pause for rejections or unexpected failures', async () => {
    const { send, pauses } = setup([
      [
        { outcome: 'rejected', type: 'mapper_parsing_exception', reason: 'x' },
        { outcome: 'retry', type: 'exception', reason: 'odd', throttle: false },
      ],
    ]);
    await send(ops, 'timer');
    expect(pauses).toEqual([]);
  });

  it('counts requests and operations', async () => {
    const { send, registry } = setup([
      [ok, ok],
      [ok, unavailable],
    ]);
    await send(ops, 'full');
    await send(ops, 'timer');
    const text = await registry.metrics();
    expect(text).toContain('sync_indexer_bulk_duration_seconds_count{result="ok"} 1');
    expect(text).toContain('sync_indexer_bulk_duration_seconds_count{result="partial"} 1');
    expect(text).toContain('sync_indexer_bulk_size_documents_sum 4');
    expect(text).toContain('sync_indexer_throttles_total 1');
  });
});
