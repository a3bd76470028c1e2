/**
 * Fault: random worker processes SIGKILLed during a backfill, several times. Each victim is
 * started again; BullMQ hands back the jobs it held (stalled-job recovery), deterministic ids
 * and external versions make redelivery harmless. Ends with the index equal to the published
 * set. FAULT_RECORDS sets the size (CI: 300), FAULT_KILLS the number of kills.
 */
import { describe, expect, it } from 'vitest';
import { expectExactlyPublished, useFaultRun } from '../support/cut-and-restore.js';
import type { ServiceProcess } from '../support/processes.js';

const total = Number(process.env.FAULT_RECORDS ?? 300);
const kills = Number(process.env.FAULT_KILLS ?? 2);

describe(`SIGKILL of random workers over ${total} records`, () => {
  const fault = useFaultRun(total);

  it('ends with exactly the published set', async () => {
    const { run } = fault;
    const live: Record<string, ServiceProcess> = {
      discovery: await run.startDiscovery(),
      transform: run.start('transform'),
      indexer: run.start('indexer'),
    };
    await run.discover();
    const names = ['transform', 'indexer', 'discovery'] as const;
    for (let k = 0; k < kills; k++) {
      const target = Math.floor((total * (k + 1)) / (kills + 2));
      await run.waitForCount(target, 180_000);
      // A random non-empty subset of the workers.
      const victims = names.filter(() => Math.random() < 0.5);
      if (victims.length === 0) victims.push(names[k % names.length] ?? 'transform');
      await Promise.all(
        victims.map(async (v) => {
          await live[v]?.kill();
        }),
      );
      process.stdout.write(
        `[faults] kill ${k + 1}: SIGKILL ${victims.join('+')} at ${await run.count()}/${total}\n`,
      );
      for (const v of victims)
        live[v] = v === 'discovery' ? await run.startDiscovery() : run.start(v);
      // A killed discovery can lose its scan job mid-enqueue: ask again, as the schedule would.
      if (victims.includes('discovery')) await run.discover();
    }
    await run.waitForCount(total, 240_000);
    await expectExactlyPublished(fault, total);
    for (const p of Object.values(live)) expect(await p.stop()).toBe(0);
  }, 600_000);
});
