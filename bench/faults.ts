/**
 * Large fault runs (issue 15): N records published on relay A (10 % private), and three
 * backfills by a gun-sync node run as child processes (reading relay B, peered to A), each with
 * its own queue prefix and index and one fault:
 *   sigkill  random workers SIGKILLed several times during the backfill, each started again
 *            (victims and moments from a printed seed: --seed replays them);
 *   es       Elasticsearch unreachable for --outage-seconds mid-backfill (a loopback TCP proxy in
 *            front of the shared instance is cut; the instance itself stays up);
 *   redis    the node's own Redis restarted empty mid-backfill.
 * Nothing queues a scan: recovery runs on discovery's own schedule. Each run ends when every
 * record is indexed (or a time limit passes), then `gun-sync reconcile --json` (straight to
 * Elasticsearch) must report 0 missing, 0 stale, 0 unaccounted, and the index is compared with
 * the published set (ids and versions). Results: bench/results/faults-<N>.json.
 *
 *   flock /tmp/gun-sync-bench.lock pnpm bench:faults --records 10000 [--only es] [--seed S]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  createBackfillRun,
  startPublishedPair,
  type BackfillRun,
} from '../test/support/backfill-run.js';
import { faultRandom } from '../test/support/fault-seed.js';
import type { ServiceProcess } from '../test/support/processes.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { hostPort, startTcpProxy } from '../test/support/tcp-proxy.js';
import { describeMachine, endLoad, localServices, saveResult } from './support/common.js';
import type { FaultOutcome } from './support/results.js';
import { reconcileRun } from './support/reconcile.js';

const scenarios = ['sigkill', 'es', 'redis'] as const;
type Scenario = (typeof scenarios)[number];

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    'outage-seconds': { type: 'string', default: '60' },
    'redis-outage-seconds': { type: 'string', default: '5' },
    kills: { type: 'string', default: '3' },
    only: { type: 'string', multiple: true, default: [] },
    seed: { type: 'string' },
    /** Discovery's full-scan interval (GUN_SYNC_INTERVAL): how soon lost work is found again. */
    'scan-interval-ms': { type: 'string', default: '15000' },
  },
});
const total = Number(values.records);
const outageMs = Number(values['outage-seconds']) * 1000;
const redisOutageMs = Number(values['redis-outage-seconds']) * 1000;
const kills = Number(values.kills);
const only = values.only;
for (const s of only)
  if (!(scenarios as readonly string[]).includes(s))
    throw new Error(`--only takes ${scenarios.join(', ')}; got "${s}"`);
const chosen = only.length > 0 ? scenarios.filter((s) => only.includes(s)) : [...scenarios];
const completeWithinMs = 20 * 60_000;
const say = (line: string) => process.stdout.write(`${line}\n`);
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const services = localServices();
const machine = await describeMachine(services);
say(
  `[faults] ${total} records, scenarios ${chosen.join(', ')}, load ${machine.loadAtStart.join(' ')}`,
);
const random = faultRandom('bench:faults', values.seed);
const pipelineEnv = { GUN_SYNC_INTERVAL: values['scan-interval-ms'] };

type Published = Awaited<ReturnType<typeof startPublishedPair>>;

type Outcome = FaultOutcome;

const reconcile = (run: BackfillRun) => reconcileRun(run, services.elasticsearchUrl);

async function exactness(run: BackfillRun, published: Published): Promise<Outcome['exact']> {
  const documents = await run.documents();
  const seen = new Set<string>();
  let unexpected = 0;
  let version = 0;
  for (const doc of documents) {
    seen.add(doc.id);
    const want = published.documents.get(doc.id);
    if (!want) unexpected += 1;
    else if (doc.version !== want.version) version += 1;
  }
  let missing = 0;
  for (const did of published.documents.keys()) if (!seen.has(did)) missing += 1;
  return { missing, unexpected, version };
}

/** Waits for every record; on the time limit, returns so that reconcile says what is left. */
async function waitComplete(run: BackfillRun): Promise<void> {
  try {
    await run.waitForCount(total, completeWithinMs);
  } catch (err) {
    say(`[faults] not complete: ${(err as Error).message}`);
  }
}

/** Cut → no progress from the middle of the outage to its end → restore. */
async function outage(
  run: BackfillRun,
  name: string,
  ms: number,
  cut: () => Promise<void>,
  restore: () => Promise<void>,
): Promise<Record<string, unknown>> {
  await run.waitForCount(Math.floor(total * 0.3), completeWithinMs);
  await cut();
  const atCut = await run.count();
  await sleep(ms / 2);
  const atMiddle = await run.count();
  await sleep(ms / 2);
  const atEnd = await run.count();
  await restore();
  say(
    `[faults] ${name} cut at ${atCut}/${total} for ${ms} ms; ${atMiddle} at mid-outage, ${atEnd} at its end`,
  );
  return { outageMs: ms, atCut, atMiddle, atEnd, progressWhileCut: atEnd - atMiddle };
}

async function runScenario(scenario: Scenario, published: Published): Promise<Outcome> {
  const proxy =
    scenario === 'es' ? await startTcpProxy(hostPort(services.elasticsearchUrl)) : undefined;
  const redis = scenario === 'redis' ? await startRedisServer() : undefined;
  const run = await createBackfillRun({
    redisUrl: redis?.url ?? services.redisUrl,
    elasticsearchUrl: services.elasticsearchUrl,
    gunPeers: published.pair.b.url,
    env: { ...pipelineEnv, ...(proxy ? { ELASTICSEARCH_URL: proxy.url } : {}) },
  });
  try {
    const started = Date.now();
    const live: Record<'discovery' | 'transform' | 'indexer', ServiceProcess> =
      await run.startPipeline();
    let fault: Record<string, unknown>;
    if (scenario === 'sigkill') {
      const names = ['transform', 'indexer', 'discovery'] as const;
      const plan = Array.from({ length: kills }, () =>
        Math.floor(total * (0.1 + 0.7 * random.next())),
      )
        .sort((a, b) => a - b)
        .map((at) => {
          const victims = names.filter(() => random.next() < 0.5);
          if (victims.length === 0) victims.push(names[random.below(names.length)] ?? 'transform');
          return { at, victims };
        });
      const done: { at: number; victims: string[] }[] = [];
      for (const { at, victims } of plan) {
        await run.waitForCount(at, completeWithinMs);
        await Promise.all(victims.map((v) => live[v].kill()));
        const atKill = await run.count();
        const felt = victims.every((v) => live[v].child.signalCode === 'SIGKILL');
        say(
          `[faults] SIGKILL ${victims.join('+')} at ${atKill}/${total}${felt ? '' : ' (NOT felt)'}`,
        );
        done.push({ at: atKill, victims: [...victims] });
        for (const v of victims)
          live[v] = v === 'discovery' ? await run.startDiscovery() : run.start(v);
      }
      fault = { seed: random.seed, kills: done };
    } else if (scenario === 'es' && proxy) {
      fault = await outage(
        run,
        'Elasticsearch',
        outageMs,
        () => proxy.cut(),
        () => proxy.restore(),
      );
    } else if (scenario === 'redis' && redis) {
      fault = await outage(
        run,
        'Redis (restarted empty)',
        redisOutageMs,
        () => redis.stop(),
        () => redis.restartEmpty(),
      );
    } else throw new Error(`no fault for ${scenario}`);
    const faultEnded = Date.now();
    await waitComplete(run);
    const completed = Date.now();
    const indexed = await run.count();
    // Every job settled (in-flight retries included) before the report is taken.
    await sleep(2_000);
    const report = await reconcile(run);
    const exact = await exactness(run, published);
    const workersAlive = Object.values(live).every(
      (p) => p.child.exitCode === null && p.child.signalCode === null,
    );
    const outcome: Outcome = {
      scenario,
      fault,
      completeMs: completed - started,
      recoveredMs: completed - faultEnded,
      indexed,
      exact,
      reconcile: report,
      workersAlive,
      loadAtEnd: load(),
    };
    say(
      `[faults] ${scenario}: ${indexed}/${total} indexed in ${outcome.completeMs} ms (${outcome.recoveredMs} ms after the fault); reconcile ${JSON.stringify(report.counts)}; exact ${JSON.stringify(exact)}; workers alive ${workersAlive}; load ${outcome.loadAtEnd.join(' ')}`,
    );
    return outcome;
  } finally {
    await run.close();
    await proxy?.close();
    await redis?.stop();
  }
}

const published = await startPublishedPair(total);
const runs: Outcome[] = [];
try {
  say(`[faults] published ${total} records on relay A`);
  for (const scenario of chosen) runs.push(await runScenario(scenario, published));
} finally {
  await published.close();
}
const ok = runs.every(
  (r) =>
    r.reconcile.counts.missing === 0 &&
    r.reconcile.counts.stale === 0 &&
    r.reconcile.counts.unaccounted === 0 &&
    r.exact.missing + r.exact.unexpected + r.exact.version === 0 &&
    r.workersAlive,
);
const argv = process.argv.slice(2).join(' ');
const name = `faults-${total}${only.length > 0 ? `-${chosen.join('-')}` : ''}`;
say(
  `[faults] wrote ${await saveResult(name, {
    records: total,
    privateShare: 0.1,
    settings: pipelineEnv,
    ok,
    runs,
    machine: endLoad(machine),
    command: `pnpm bench:faults${argv ? ` ${argv}` : ''}`,
  })}`,
);
process.exitCode = ok ? 0 : 1;
