/**
 * Fault: the relay the pipeline reads is cut off mid-backfill (a TCP proxy in front of relay B
 * stops listening and drops its connections) and restored after FAULT_RELAY_OUTAGE_MS. Reads
 * fail as unavailable and are retried with backoff (nothing is indexed while the relay is away);
 * a record that could not be read in time is found again by a scheduled scan after the relay is
 * back. Exactly the published set at the end, each record with its version and content.
 */
import { describe, it } from 'vitest';
import { cutAndRestore, useProxiedFaultRun } from '../support/cut-and-restore.js';

const total = Number(process.env.FAULT_RECORDS ?? 300);
const outageMs = Number(process.env.FAULT_RELAY_OUTAGE_MS ?? 8_000);

describe(`relay cut off ${outageMs / 1000} s during a ${total}-record backfill`, () => {
  const fault = useProxiedFaultRun(total, 'the relay', {
    upstream: (published) => published.pair.b.url,
    options: (proxyUrl) => ({ gunPeers: proxyUrl }),
  });

  it('ends with exactly the published set', async () => {
    await cutAndRestore(fault, total, {
      cutAt: 0.25,
      outageMs,
    });
  }, 900_000);
});
