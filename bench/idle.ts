/**
 * Idle cost (issue 17): what a gun-sync node sends its peer when nothing changes. Relay A holds
 * N registry entries (OIP's legacy layout, seeded over the wire) plus one registered through
 * gun-sync's writer (so the recent-changes node and the relay's bookkeeping exist); both relays
 * behave like OIP's (3 s not-found, links unresolved). Discovery runs at its default settings
 * (OIP's 37 types, live HTTP polling) against relay B through a counting proxy on loopback.
 * After its first full scan (its duration is reported: a 37-type scan against OIP-behaviour
 * relays) and a quiet 45 s, the proxy counts requests and bytes for a
 * window with nothing changing and no full scan due (GUN_SYNC_INTERVAL is the window plus 10 min;
 * the first scan's requests are reported apart), per minute:
 * requests (on average and in the busiest 60 s of the window), bytes of the requests (bodies)
 * and of the answers (bodies), and requests by soul.
 *
 *   pnpm bench:idle [--entries 10,10000] [--window-s 180]
 *
 * Writes bench/results/idle.json.
 */
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { QueueName } from '@sync/queues';
import { oipRelayBehaviour } from '../services/gun-relay/src/oip-behaviour.js';
import { startCountingProxy } from '../services/gun-relay/test/counting-proxy.js';
import { startRelayPair } from '../services/gun-relay/test/support.js';
import { createBackfillRun, createNodeAWriter } from '../test/support/backfill-run.js';
import { createPublisher, oipPut, publishOnA } from '../test/support/oip-publisher.js';
import { seedRecords } from '../test/support/seed-records.js';
import { describeMachine, endLoad, localServices, saveResult } from './support/common.js';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '10,10000' },
    'window-s': { type: 'string', default: '180' },
  },
});
const sizes = values.entries.split(',').map(Number);
const windowMs = Number(values['window-s']) * 1000;
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const services = localServices();
const machine = await describeMachine(services);
say(
  `[idle] entries ${sizes.join(', ')}; window ${windowMs / 1000} s; load ${machine.loadAtStart.join(' ')}`,
);

async function measure(entries: number) {
  const pair = await startRelayPair({ store: 'memory', behaviour: oipRelayBehaviour });
  const writer = createNodeAWriter(pair.a.url);
  const proxy = await startCountingProxy(pair.b.url);
  const publisher = createPublisher();
  const run = await createBackfillRun({
    ...services,
    gunPeers: proxy.url,
    // The next scheduled full scan comes after the window (a scan is not the idle poller's
    // cost; the first scan's requests are counted apart).
    env: {
      DISCOVERY_LIVE: 'true',
      GUN_SYNC_RECORD_TYPES: '',
      GUN_SYNC_INTERVAL: String(windowMs + 600_000),
    },
  });
  try {
    const seeded = await seedRecords(pair.a.url, publisher, entries);
    const put = oipPut(publisher, {
      localId: 'idle-registered',
      recordType: 'post',
      indexedAt: new Date(),
      data: { basic: { name: 'Registered by gun-sync' } },
    });
    await publishOnA(pair.a.url, writer, publisher, put);
    const expected = seeded.dids.length + 1;
    proxy.reset();
    const discovery = await run.startDiscovery();
    // The first full scan (queued at start): its summary line gives its duration.
    const scanStarted = Date.now();
    let scanMs: number | undefined;
    while (scanMs === undefined) {
      const line = discovery
        .output()
        .split('\n')
        .find((l) => l.includes('"discovery finished"'));
      if (line) scanMs = (JSON.parse(line) as { durationMs: number }).durationMs;
      else if (Date.now() - scanStarted > 600_000) throw new Error('no full scan in 10 min');
      else await sleep(500);
    }
    const transform = new Queue(QueueName.transform, { connection: run.redis, prefix: run.prefix });
    const counts = await transform.getJobCounts('waiting', 'prioritized', 'delayed');
    const enqueued = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
    await transform.close();
    // What the first full scan asked (with the poller's first reads beside it).
    const firstScanRequests = proxy.records().length;
    // The poller's baseline and the scan's last reads, and the end of the poller's active pace:
    // what its first reads reported counts as a change, and for 30 s after one the poller may
    // read 6 × faster (http-poller.ts). The window measures the idle pace.
    await sleep(45_000);
    proxy.reset();
    const startedAt = performance.now();
    await sleep(windowMs);
    const windowEnd = performance.now();
    const records = proxy.records().filter((r) => r.startedAt < windowEnd);
    const perMin = (n: number) => Math.round((n * 60_000) / (windowEnd - startedAt));
    const sum = (pick: (r: (typeof records)[number]) => number) =>
      records.reduce((total, r) => total + pick(r), 0);
    // The limit holds for every minute, not only on average: the busiest 60 s of the window.
    const starts = records.map((r) => r.startedAt).sort((a, b) => a - b);
    let busiestMinute = 0;
    for (let first = 0, last = 0; last < starts.length; last++) {
      while ((starts[last] as number) - (starts[first] as number) >= 60_000) first++;
      busiestMinute = Math.max(busiestMinute, last - first + 1);
    }
    const bySoul = new Map<string, number>();
    for (const r of records) {
      const soul = r.soul?.startsWith('index:') ? 'index:<relay bookkeeping>' : (r.soul ?? r.path);
      bySoul.set(soul, (bySoul.get(soul) ?? 0) + 1);
    }
    const row = {
      entries: expected,
      enqueuedByFirstScan: enqueued,
      firstScanS: Math.round(scanMs / 100) / 10,
      firstScanRequests,
      windowS: windowMs / 1000,
      requestsPerMin: perMin(records.length),
      busiestMinuteRequests: busiestMinute,
      bytesSentPerMin: perMin(sum((r) => r.bytesIn)),
      bytesReceivedPerMin: perMin(sum((r) => r.bytesOut)),
      notFoundPerMin: perMin(records.filter((r) => r.status === 404).length),
      requestsBySoul: Object.fromEntries(
        [...bySoul].sort((a, b) => b[1] - a[1]).map(([soul, n]) => [soul, perMin(n)]),
      ),
    };
    say(
      `[idle] ${row.entries} entries: ${row.requestsPerMin} requests/min (busiest 60 s: ${row.busiestMinuteRequests}), ${row.bytesSentPerMin} B/min sent, ${row.bytesReceivedPerMin} B/min received (first scan ${row.firstScanS} s)`,
    );
    return row;
  } finally {
    await run.close();
    await proxy.close();
    await writer.close();
    await pair.close();
  }
}

const rows = [];
for (const entries of sizes) rows.push(await measure(entries));
const result = {
  rows,
  peers: 1,
  relay: 'oip',
  settings: 'defaults (37 types, live HTTP polling), no full scan in the window',
  machine: endLoad(machine),
  command: `pnpm bench:idle --entries ${values.entries} --window-s ${windowMs / 1000}`,
};
say(`[idle] wrote ${await saveResult('idle', result)}`);
// The peered relays' GUN instances keep reconnect timers alive after close.
process.exit(0);
