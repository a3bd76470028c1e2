/**
 * Fault: Elasticsearch goes away mid-backfill (the pipeline reaches it through a TCP proxy that
 * stops listening and drops its connections, so the shared instance stays up) and comes back
 * after FAULT_ES_OUTAGE_MS (CI: 12 s; the full run: 60 s). Nothing is indexed while it is
 * away; indexing retries with backoff and the scheduled scans find anything that gave up;
 * every record ends indexed once, with its version and content.
 */
import { describe, it } from 'vitest';
import { serviceUrls } from '../services.js';
import { cutAndRestore, useProxiedFaultRun } from '../support/cut-and-restore.js';

const total = Number(process.env.FAULT_RECORDS ?? 300);
const outageMs = Number(process.env.FAULT_ES_OUTAGE_MS ?? 12_000);

describe(`Elasticsearch stopped ${outageMs / 1000} s during a ${total}-record backfill`, () => {
  const fault = useProxiedFaultRun(total, 'Elasticsearch', {
    upstream: () => serviceUrls().elasticsearchUrl,
    // Only the pipeline goes through the proxy; the test's own client goes straight to ES.
    options: (proxyUrl) => ({ env: { ELASTICSEARCH_URL: proxyUrl } }),
  });

  it('ends with exactly the published set', async () => {
    await cutAndRestore(fault, total, {
      cutAt: 0.25,
      outageMs,
    });
  }, 900_000);
});
