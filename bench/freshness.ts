/**
 * Freshness benchmark: node A publishes at a steady rate while node B's pipeline runs (three
 * child processes, live discovery on); for every record, the time from the start of its
 * publish on A (record put + registry entry) until it is searchable on B (a refreshed search
 * finds it). Relay B is peered to relay A over GUN's WebSocket; B's pipeline reads relay B.
 * Prints p50, p95 and max, and writes bench/results/freshness.json. Beside the whole delay it
 * reports its two parts: publishing on A (the record put and the registration, both layouts,
 * each node read back) and from the end of that publish until searchable on B (gun-sync's part:
 * relay peering, live discovery, transform, indexing and the index refresh), and that part
 * split by stage from the queues' own events: A done → the transform job added (peering and
 * live discovery), → the index job added (transform), → the index job completed (indexing),
 * → searchable (refresh and search).
 *
 *   pnpm bench:freshness [--rate 5] [--seconds 60] [--poll-ms 300]
 *   pnpm bench:freshness --defaults [--relay oip|fast] [--mode http|wire]
 *     [--registry both|legacy] [--change new|update|delete]
 *
 * `--defaults` runs B at its default settings (no poll or flush overrides) and the watcher
 * searches without forcing a refresh, so a record counts when a user's search would find it.
 * `--relay oip` runs both relays in OIP-behaviour mode (3 s not-found, links unresolved);
 * `--mode wire` has B read its relay over GUN's wire protocol instead of the HTTP API.
 * `--registry legacy` registers the records only in OIP's legacy index, as OIP does (no
 * recent-changes node, no v2 buckets). `--change update` first publishes every record and
 * waits until B has them all, then times a re-publish of each (new content and indexedAt,
 * registered again) until B's search returns the new content; `--change delete` times a
 * deletion mark of each until B's search no longer finds it. Change runs publish public records
 * only (the content is compared). Every run first publishes one record and times it apart (the
 * first registration ever on a fresh relay pair: `coldFirstRecordMs`; delete runs also its
 * deletion, the first deletion mark ever: `coldFirstDeletionMs`), so the timed records meet
 * relays in the steady state of a running node. Every run then waits 35 s, so B's poller
 * is back at its idle pace when the clock starts. Runs with any of these write
 * bench/results/freshness-<relay>-<mode>[-legacy][-update|-delete][-defaults].json.
 */
import { parseArgs } from 'node:util';
import { Queue, QueueEvents } from 'bullmq';
import { QueueName } from '@sync/queues';
import { oipRelayBehaviour } from '../services/gun-relay/src/oip-behaviour.js';
import { startRelayPair } from '../services/gun-relay/test/support.js';
import { createBackfillRun, createNodeAWriter } from '../test/support/backfill-run.js';
import { createPublisher, oipPut, publishOnA } from '../test/support/oip-publisher.js';
import { oipDefaultRecordTypes } from '@sync/discovery/record-types';
import { waitFor } from '../test/support/node.js';
import {
  describeMachine,
  endLoad,
  localServices,
  peakRssMiB,
  percentile,
  saveResult,
} from './support/common.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '60' },
    'poll-ms': { type: 'string', default: '300' },
    defaults: { type: 'boolean', default: false },
    relay: { type: 'string', default: 'fast' },
    mode: { type: 'string', default: 'http' },
    registry: { type: 'string', default: 'both' },
    change: { type: 'string', default: 'new' },
  },
});
const defaults = values.defaults;
const relayKind = values.relay === 'oip' ? 'oip' : 'fast';
const mode = values.mode === 'wire' ? 'wire' : 'http';
const layout = values.registry === 'legacy' ? 'legacy' : 'both';
const change = values.change === 'update' || values.change === 'delete' ? values.change : 'new';
const variant =
  defaults || relayKind !== 'fast' || mode !== 'http' || layout !== 'both' || change !== 'new';
const resultName = variant
  ? `freshness-${relayKind}-${mode}${layout === 'legacy' ? '-legacy' : ''}${change === 'new' ? '' : `-${change}`}${defaults ? '-defaults' : ''}`
  : 'freshness';
const perSecond = Number(values.rate);
const seconds = Number(values.seconds);
const pollMs = values['poll-ms'];
const say = (line: string) => process.stdout.write(`${line}\n`);
/** Quiet time before the clock starts: longer than the poller's active window (30 s). */
const quietBeforeMs = 35_000;

const services = localServices();
const machine = await describeMachine(services);
say(`[freshness] ${perSecond} records/s for ${seconds} s; load ${machine.loadAtStart.join(' ')}`);
const pair = await startRelayPair({
  store: 'memory',
  ...(relayKind === 'oip' ? { behaviour: oipRelayBehaviour } : {}),
});
const writer = createNodeAWriter(pair.a.url, layout);
// As node A's API does at start-up (services/api/src/deps.ts): the writer reads its bucket
// state for the configured types ahead, so a type's first registration on A does not wait
// for it. Awaited here because a node's API is up well before its first publish.
const prepared = await writer.prepare(oipDefaultRecordTypes);
say(`[freshness] node A's writer prepared ${prepared.prepared} types (${prepared.failed} failed)`);
const run = await createBackfillRun({
  ...services,
  gunPeers: mode === 'wire' ? `${pair.b.url}/gun` : pair.b.url,
  env: {
    DISCOVERY_LIVE: 'true',
    GUN_CLIENT_MODE: mode,
    ...(defaults
      ? {}
      : { GUN_POLL_INTERVAL_MS: pollMs, DISCOVERY_LIVE_FLUSH_MS: '50', INDEXER_FLUSH_MS: '50' }),
  },
});
try {
  await run.startPipeline();
  const publisher = createPublisher();
  const publishedAt = new Map<string, number>();
  /** When A finished publishing a record (put and registration answered). */
  const registeredAt = new Map<string, number>();
  const delays: number[] = [];
  const publishDurations: number[] = [];
  const afterPublish: number[] = [];
  // Per record (by soul) when its jobs were added and indexed, from BullMQ's queue events;
  // an entry goes when its record is found, so this holds only what is in flight.
  const stageAt = new Map<
    string,
    { transformAdded?: number; indexAdded?: number; indexed?: number }
  >();
  const stages = {
    discovery: [] as number[],
    transform: [] as number[],
    index: [] as number[],
    search: [] as number[],
  };
  const redisUrl = new URL(services.redisUrl);
  const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
  const listeners = [QueueName.transform, QueueName.index].map((name) => {
    const queue = new Queue(name, { connection: run.redis, prefix: run.prefix });
    const events = new QueueEvents(name, { connection, prefix: run.prefix });
    // Index jobs are removed once completed: their soul is taken when they are added.
    const soulOfJob = new Map<string, string>();
    const stamp = (soul: string, what: 'transformAdded' | 'indexAdded' | 'indexed', at: number) => {
      if (!registeredOrPending(soul)) return;
      const times = stageAt.get(soul) ?? {};
      times[what] ??= at;
      stageAt.set(soul, times);
    };
    const onAdded = (jobId: string, what: 'transformAdded' | 'indexAdded') => {
      const at = Date.now();
      void queue
        .getJob(jobId)
        .then((job) => {
          const soul = (job?.data as { soul?: unknown } | undefined)?.soul;
          if (typeof soul !== 'string') return;
          if (what === 'indexAdded') soulOfJob.set(jobId, soul);
          stamp(soul, what, at);
        })
        .catch(() => undefined);
    };
    if (name === QueueName.transform)
      events.on('added', ({ jobId }) => onAdded(jobId, 'transformAdded'));
    else {
      events.on('added', ({ jobId }) => onAdded(jobId, 'indexAdded'));
      events.on('completed', ({ jobId }) => {
        const soul = soulOfJob.get(jobId);
        soulOfJob.delete(jobId);
        if (soul) stamp(soul, 'indexed', Date.now());
      });
    }
    return { queue, events };
  });
  await Promise.all(listeners.map((l) => l.events.waitUntilReady()));
  const registeredOrPending = (soul: string) => publishedAt.has(`did:gun:${soul}`);
  const total = perSecond * seconds;
  let stopWatching = false;
  // Watcher: which outstanding DIDs are searchable now (a refreshed search, as a user sees it).
  const watcher = (async () => {
    while (!stopWatching || publishedAt.size > 0) {
      if (publishedAt.size > 0) {
        if (!defaults) await run.es.indices.refresh({ index: run.index, ignore_unavailable: true });
        const ids = [...publishedAt.keys()];
        const res = await run.es.search<{ data?: { basic?: { name?: string } } }>(
          {
            index: run.index,
            size: ids.length,
            _source: change === 'update' ? ['data.basic.name'] : false,
            query: { ids: { values: ids } },
          },
          { ignore: [404] },
        );
        const now = Date.now();
        const hits = res.hits?.hits ?? [];
        // What counts as arrived: the record (new), its new content (update), its absence (delete).
        const arrived =
          change === 'delete'
            ? ids.filter((id) => !hits.some((h) => h._id === id)).map((id) => ({ _id: id }))
            : hits.filter(
                (h) =>
                  change === 'new' ||
                  (h._id !== undefined &&
                    h._source?.data?.basic?.name === `${nameOf.get(h._id)} (edited)`),
              );
        for (const hit of arrived) {
          const t = hit._id ? publishedAt.get(hit._id) : undefined;
          if (t !== undefined && hit._id) {
            delays.push(now - t);
            const r = registeredAt.get(hit._id);
            if (r !== undefined) afterPublish.push(now - r);
            const soul = hit._id.slice('did:gun:'.length);
            const s = stageAt.get(soul);
            if (r !== undefined && s?.transformAdded && s.indexAdded && s.indexed) {
              stages.discovery.push(s.transformAdded - r);
              stages.transform.push(s.indexAdded - s.transformAdded);
              stages.index.push(s.indexed - s.indexAdded);
              stages.search.push(now - s.indexed);
            }
            stageAt.delete(soul);
            publishedAt.delete(hit._id);
            registeredAt.delete(hit._id);
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const nameOf = new Map<string, string>();
  /** The first record ever on the relay pair, publish → searchable on B (`new` runs). */
  let coldFirstMs: number | null = null;
  /** The first deletion mark ever on the relay pair, mark → gone on B (`delete` runs). */
  let coldFirstDeletionMs: number | null = null;
  const recordOf = (i: number, edited: boolean) =>
    oipPut(publisher, {
      localId: `fresh-${i}`,
      recordType: 'post',
      indexedAt: new Date(),
      private: change === 'new' && i % 10 === 9,
      data: { basic: { name: `Fresh ${i}${edited ? ' (edited)' : ''}`, tagItems: ['fresh'] } },
    });
  // The steady state of a node: its relay has had registrations (and deletions) before. The
  // first registration ever on a fresh relay pair, and in delete runs the first deletion mark,
  // are timed apart: B finds the recent-changes node (or the type's legacy index, or the
  // deletion index) only at its next probe of an absent node, a cost paid once per relay.
  const first = oipPut(publisher, {
    localId: 'fresh-first',
    recordType: 'post',
    indexedAt: new Date(),
    data: { basic: { name: 'First record on the relay pair', tagItems: ['fresh'] } },
  });
  const firstAt = Date.now();
  await publishOnA(pair.a.url, writer, publisher, first);
  await run.waitForCount(1, 300_000);
  coldFirstMs = Date.now() - firstAt;
  say(`[freshness] first record ever on the relay pair: searchable on B after ${coldFirstMs} ms`);
  if (change !== 'new') {
    // The records to change: published, registered and indexed on B before the clock starts.
    for (let i = 0; i < total; i++) {
      const put = recordOf(i, false);
      nameOf.set(`did:gun:${put.soul}`, `Fresh ${i}`);
      await publishOnA(pair.a.url, writer, publisher, put);
    }
    await run.waitForCount(total + 1, 300_000);
    say(`[freshness] ${total} records on B; timing each ${change}`);
  }
  if (change === 'delete') {
    const deletedAt = Date.now();
    await writer.markDeleted(`did:gun:${first.soul}`, publisher.publicKey, { nodeId: 'node-a' });
    await waitFor('the first deletion', async () => (await run.count()) <= total, 300_000, 250);
    coldFirstDeletionMs = Date.now() - deletedAt;
    say(
      `[freshness] first deletion ever on the relay pair: gone on B after ${coldFirstDeletionMs} ms`,
    );
  }
  // B's poller back at its idle pace (it polls faster for 30 s after a change) before the clock.
  await new Promise((resolve) => setTimeout(resolve, quietBeforeMs));
  const started = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const put = recordOf(i, change === 'update');
    const did = `did:gun:${put.soul}`;
    const t0 = Date.now();
    publishedAt.set(did, t0);
    pending.push(
      (async () => {
        if (change === 'delete')
          await writer.markDeleted(did, publisher.publicKey, { nodeId: 'node-a' });
        else {
          await publishOnA(pair.a.url, writer, publisher, put);
        }
        const t1 = Date.now();
        publishDurations.push(t1 - t0);
        // Found on B before A's publish call even returned: nothing left of gun-sync's part.
        if (publishedAt.has(did)) registeredAt.set(did, t1);
        else afterPublish.push(0);
      })(),
    );
  }
  await Promise.all(pending);
  stopWatching = true;
  await Promise.race([watcher, new Promise((resolve) => setTimeout(resolve, 120_000))]);
  const missing = publishedAt.size;
  stopWatching = true;
  publishedAt.clear();
  await watcher;
  const sortedCopy = (xs: number[]) => [...xs].sort((x, y) => x - y);
  delays.sort((x, y) => x - y);
  const publishSorted = sortedCopy(publishDurations);
  const afterSorted = sortedCopy(afterPublish);
  const parts = (xs: number[]) => ({
    p50Ms: percentile(xs, 50),
    p95Ms: percentile(xs, 95),
    maxMs: xs.at(-1),
  });
  const result = {
    published: total,
    searchable: delays.length,
    missingAfter120s: missing,
    ratePerSecond: perSecond,
    seconds,
    relayPollMs: defaults ? null : Number(pollMs),
    settings: defaults ? 'defaults, no forced refresh' : 'tuned, refresh forced before each search',
    relay: relayKind,
    mode,
    registry: layout,
    change,
    p50Ms: percentile(delays, 50),
    p95Ms: percentile(delays, 95),
    maxMs: delays.at(-1),
    quietBeforeMs,
    coldFirstRecordMs: coldFirstMs,
    coldFirstDeletionMs,
    publishOnA: parts(publishSorted),
    publishedToSearchable: parts(afterSorted),
    stages: {
      records: stages.discovery.length,
      discovery: parts(sortedCopy(stages.discovery)),
      transform: parts(sortedCopy(stages.transform)),
      index: parts(sortedCopy(stages.index)),
      search: parts(sortedCopy(stages.search)),
    },
    peakRssMiB: Object.fromEntries(
      run.procs.map((p, i) => [
        ['discovery', 'transform', 'indexer'][i] ?? `p${i}`,
        peakRssMiB(p.child.pid),
      ]),
    ),
    machine: endLoad(machine),
    command: variant
      ? `pnpm bench:freshness${defaults ? ' --defaults' : ''} --relay ${relayKind} --mode ${mode}${layout === 'legacy' ? ' --registry legacy' : ''}${change === 'new' ? '' : ` --change ${change}`} --rate ${perSecond} --seconds ${seconds}`
      : `pnpm bench:freshness --rate ${perSecond} --seconds ${seconds} --poll-ms ${pollMs}`,
  };
  say(
    `[freshness] ${delays.length}/${total} searchable on B: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, max ${result.maxMs} ms (${defaults ? 'default settings' : `relay poll ${pollMs} ms`}, ${relayKind} relay, ${mode})${missing ? `; ${missing} not searchable after 120 s` : ''}`,
  );
  say(
    `[freshness] of which publishing on A (put + registration): p50 ${result.publishOnA.p50Ms} ms, p95 ${result.publishOnA.p95Ms} ms; A done → searchable on B: p50 ${result.publishedToSearchable.p50Ms} ms, p95 ${result.publishedToSearchable.p95Ms} ms, max ${result.publishedToSearchable.maxMs} ms`,
  );
  const st = result.stages;
  say(
    `[freshness] by stage (p50/p95 ms, ${st.records} records): A done → transform job ${st.discovery.p50Ms}/${st.discovery.p95Ms}; transform ${st.transform.p50Ms}/${st.transform.p95Ms}; index ${st.index.p50Ms}/${st.index.p95Ms}; indexed → searchable ${st.search.p50Ms}/${st.search.p95Ms}`,
  );
  for (const l of listeners) {
    await l.events.close();
    await l.queue.close();
  }
  say(`[freshness] wrote ${await saveResult(resultName, result)}`);
  for (const p of run.procs) await p.stop();
} finally {
  await run.close();
  await writer.close();
  await pair.close();
}
// The peered relays' GUN instances keep reconnect timers alive after close.
process.exit(0);
