/**
 * Fault: random worker processes SIGKILLed during a backfill, several times. Which workers die
 * and at what share of the backfill comes from a printed seed (FAULT_SEED replays a run). Each
 * victim is started again; BullMQ hands back the jobs it held (stalled-job recovery), a killed
 * discovery's scan is redone by its schedule (the test queues no scan), and deterministic ids
 * and external versions make redelivery harmless. Ends with the index equal to the published
 * set, versions and content. FAULT_RECORDS sets the size (CI: 300), FAULT_KILLS the number of
 * kills.
 */
import { describe, expect, it } from 'vitest';
import { expectExactlyPublished, useFaultRun } from '../support/cut-and-restore.js';
import { faultRandom } from '../support/fault-seed.js';
import type { ServiceProcess } from '../support/processes.js';

const total = Number(process.env.FAULT_RECORDS ?? 300);
const kills = Number(process.env.FAULT_KILLS ?? 2);
const names = ['transform', 'indexer', 'discovery'] as const;
type Name = (typeof names)[number];

interface Kill {
  /** Documents indexed before the kill. */
  at: number;
  victims: Name[];
}

/** `kills` kills at rising counts between 10 % and 80 % of `total`, each of a non-empty subset. */
function planKills(random: ReturnType<typeof faultRandom>): Kill[] {
  const ats = Array.from({ length: kills }, () =>
    Math.floor(total * (0.1 + 0.7 * random.next())),
  ).sort((a, b) => a - b);
  return ats.map((at) => {
    const victims = names.filter(() => random.next() < 0.5);
    if (victims.length === 0) victims.push(names[random.below(names.length)] ?? 'transform');
    return { at, victims };
  });
}

describe(`SIGKILL of random workers over ${total} records`, () => {
  const fault = useFaultRun(total);

  it('ends with exactly the published set', async () => {
    const { run } = fault;
    const plan = planKills(faultRandom('sigkill'));
    process.stdout.write(
      `[faults] plan: ${plan.map((k) => `${k.victims.join('+')} at ${k.at}`).join(', ')}\n`,
    );
    // Discovery's schedule runs the first full scan as soon as it starts.
    const live: Record<Name, ServiceProcess> = {
      discovery: await run.startDiscovery(),
      transform: run.start('transform'),
      indexer: run.start('indexer'),
    };
    for (const [k, { at, victims }] of plan.entries()) {
      await run.waitForCount(at, 180_000);
      await Promise.all(victims.map((v) => live[v].kill()));
      const atKill = await run.count();
      // The fault was felt: each victim died of the signal, before the backfill was done.
      for (const v of victims) expect(live[v].child.signalCode).toBe('SIGKILL');
      expect(atKill).toBeLessThan(total);
      process.stdout.write(
        `[faults] kill ${k + 1}: SIGKILL ${victims.join('+')} at ${atKill}/${total}\n`,
      );
      for (const v of victims)
        live[v] = v === 'discovery' ? await run.startDiscovery() : run.start(v);
    }
    await run.waitForCount(total, 300_000);
    await expectExactlyPublished(fault, total);
    for (const p of Object.values(live)) expect(await p.stop()).toBe(0);
  }, 900_000);
});
