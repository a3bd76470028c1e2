/**
 * Fault: Redis restarted empty mid-backfill (a dedicated redis-server, killed, left down for
 * FAULT_REDIS_OUTAGE_MS, and started again on the same port with nothing saved). Queues,
 * watermarks, in-flight jobs, discovery's scan schedule and the queues' settings vanish. Nothing
 * is indexed while Redis is down; the workers reconnect, discovery writes its schedule back, and
 * the next scheduled scan finds every record again. The test queues no scan: the pipeline must
 * recover by itself, to exactly the published set, each record with its version and content.
 */
import { describe, expect, it } from 'vitest';
import { cutAndRestore, useFaultRun } from '../support/cut-and-restore.js';
import { waitFor } from '../support/node.js';
import { startRedisServer } from '../support/redis-server.js';

const total = Number(process.env.FAULT_RECORDS ?? 300);
const outageMs = Number(process.env.FAULT_REDIS_OUTAGE_MS ?? 4_000);
const marker = 'fault-test:redis-restart-marker';

describe(`Redis restarted empty during a ${total}-record backfill`, () => {
  const fault = useFaultRun(total, async () => {
    const redis = await startRedisServer();
    return {
      options: { redisUrl: redis.url },
      cut: {
        name: 'Redis (restarted empty)',
        cut: () => redis.stop(),
        restore: () => redis.restartEmpty(),
      },
      close: () => redis.stop(),
    };
  });

  it('recovers on its own schedule: exactly the published set', async () => {
    const { run } = fault;
    await run.redis.set(marker, '1');
    await cutAndRestore(fault, total, {
      cutAt: 0.3,
      outageMs,
      afterRestore: async () => {
        // The test's own connection reconnects too (jittered backoff), then finds Redis empty:
        // the fault is real. It queues nothing; what happens next is the pipeline's own doing.
        const exists = await waitFor(
          'the test connection to reconnect',
          async () => ({ exists: await run.redis.exists(marker) }),
          30_000,
          200,
        );
        expect(exists).toEqual({ exists: 0 });
      },
    });
  }, 900_000);
});
