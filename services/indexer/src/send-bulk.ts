/**
 * The batcher's send function: one `_bulk` request per batch, timed and counted, and the queue
 * throttle engaged once per batch (not once per job) when Elasticsearch is unavailable or
 * overloaded. Any batch Elasticsearch answered normally resets the throttle.
 */
import type { BulkOp, BulkResult } from '@sync/es-client';
import type { Logger } from '@sync/logging';
import type { FlushReason } from './batcher.js';
import type { IndexerMetrics } from './metrics.js';
import type { Throttle } from './throttle.js';

export interface SendBulkDeps {
  write: (ops: BulkOp[]) => Promise<BulkResult[]>;
  throttle: Throttle;
  metrics: Pick<IndexerMetrics, 'bulkDuration' | 'bulkSize' | 'throttles'>;
  log: Logger;
}

export function makeSendBulk({ write, throttle, metrics, log }: SendBulkDeps) {
  return async function sendBulk(ops: BulkOp[], reason: FlushReason): Promise<BulkResult[]> {
    const stop = metrics.bulkDuration.startTimer();
    const results = await write(ops);
    const failed = results.filter((r) => r.outcome === 'retry' || r.outcome === 'rejected').length;
    const seconds = stop({
      result: failed === 0 ? 'ok' : failed === results.length ? 'failed' : 'partial',
    });
    metrics.bulkSize.observe(ops.length);

    const throttling = results.find(
      (r): r is Extract<BulkResult, { outcome: 'retry' }> => r.outcome === 'retry' && r.throttle,
    );
    if (throttling) {
      metrics.throttles.inc();
      try {
        // No answer at all (or a gateway's 502/504): Elasticsearch is away, so the pause is
        // probed and ends when it answers; a 429 or 503 from Elasticsearch itself waits it out.
        const unavailable =
          throttling.status === undefined || throttling.status === 502 || throttling.status === 504;
        const pauseMs = await throttle.engage(unavailable ? 'unavailable' : 'overloaded');
        log.warn(
          {
            ops: ops.length,
            pauseMs,
            failures: throttle.failures(),
            status: throttling.status,
            type: throttling.type,
            reason: throttling.reason,
          },
          'elasticsearch unavailable or overloaded, queue paused',
        );
      } catch (err) {
        // Redis is down as well; the worker cannot fetch jobs then anyway.
        log.warn({ err }, 'could not pause the index queue');
      }
    } else if (results.some((r) => r.outcome !== 'retry')) {
      throttle.reset();
    }
    log.debug({ ops: ops.length, reason, failed, seconds }, 'bulk sent');
    return results;
  };
}
