import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '@sync/logging';
import type { NodeReadOptions, NodeSource } from '../node-source.js';
import { found } from '../read-result.js';
import { toRecentSoul } from '../recent.js';
import type { GunNode } from '../types.js';
import { runPoller } from './http-poller.js';

/**
 * A one-peer source whose every read asks the peer twice (as an HTTP read does while a node's
 * answer grows), counting the requests it sends whether or not the reader asks for the count.
 */
function twiceAskingSource() {
  const sentAt: number[] = [];
  const source: NodeSource = {
    async readNode(soul: string, options: NodeReadOptions = {}) {
      await new Promise((resolve) => setImmediate(resolve));
      sentAt.push(performance.now(), performance.now());
      options.onRequests?.(2);
      const node: GunNode =
        soul === toRecentSoul('oip:registry') ? { 'node-a~0': '{}' } : { storedAt: 1 };
      return found(node);
    },
  };
  return { source, sentAt };
}

describe(runPoller.name, () => {
  it('keeps to its request limit when a read asks a peer more than once', async () => {
    const { source, sentAt } = twiceAskingSource();
    const controller = new AbortController();
    const perMinute = 6000; // 100 a second, so a short run shows the rate
    const startedAt = performance.now();
    const poller = runPoller({
      source,
      root: 'oip:registry',
      deletedRoot: 'oip:deleted:records',
      recordTypes: ['post'],
      onEntry: () => undefined,
      log: createSilentLogger(),
      signal: controller.signal,
      minIntervalMs: 2,
      maxIntervalMs: 4,
      maxReadsPerMinute: perMinute,
      maxTrackedKeys: 100,
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    controller.abort();
    await poller;
    const elapsedMs = performance.now() - startedAt;
    // What a token bucket of the limit allows: each side starts with at most 2 s of its share
    // (rounded up) and refills at its share less that, so no minute holds more than the limit;
    // one read in flight per side may go past its share by its extra request.
    const burst = perMinute / 30 + 2;
    const allowed = burst + ((perMinute - burst) * elapsedMs) / 60_000 + 2;
    expect(sentAt.length).toBeGreaterThan(perMinute / 60); // it did poll
    expect(sentAt.length).toBeLessThanOrEqual(allowed);
  });
});
