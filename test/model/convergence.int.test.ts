/**
 * Convergence against a reference model (issue 15, deliverable 4): fast-check generates
 * sequences of publishes, updates, re-registrations (legacy layout only, v2 only, both; on one
 * relay or both), deletions, un-deletes, replays of older versions, a record Elasticsearch
 * refuses and the operator retries, node restarts and scans, applies each to the model and to
 * the live pipeline (two relays, Redis, Elasticsearch, the one-process node), then asks for a
 * full scan (not forced: change detection must find every change) and a deletion scan, waits
 * until every queue is idle and requires the index to equal the model: the same ids, each at
 * the model's version with the model's content.
 *
 * The seed is printed on every run. Replay: MODEL_SEED=<seed> MODEL_RUNS=<runs>, or one failing
 * case with MODEL_SEED=<seed> MODEL_PATH=<path> (both printed by fast-check on a failure).
 * MODEL_COMMANDS caps the commands per run; MODEL_SHRINK=1 shrinks a failure to a minimal
 * command list (each step reruns the live pipeline, so it takes minutes). CI runs the default
 * two runs; `pnpm test:model --runs 50` runs the long one.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serviceUrls } from '../services.js';
import { commandArbitraries } from './commands.js';
import { startLiveSystem, type IndexedDocument, type LiveSystem } from './live-system.js';
import {
  createModel,
  describeSoul,
  expectedIndex,
  type ExpectedDocument,
  type Model,
} from './model.js';

const envInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
};

const seed = envInt('MODEL_SEED', (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0);
const runs = envInt('MODEL_RUNS', 2);
const maxCommands = envInt('MODEL_COMMANDS', 24);
const replayPath = process.env.MODEL_PATH || undefined;
const shrink = process.env.MODEL_SHRINK === '1';
const soulCount = 3;

/** The commands that ran, as fast-check prints them (its command list stringifies itself). */
const ranCommands = (cmds: Iterable<unknown>): string =>
  (cmds as { toString(): string }).toString();

/** Every difference between the index and the model, one line each (no record content). */
export function compareIndex(
  expected: ReadonlyMap<string, ExpectedDocument>,
  actual: ReadonlyMap<string, IndexedDocument>,
): string[] {
  const problems: string[] = [];
  for (const [id, want] of expected) {
    const got = actual.get(id);
    if (!got) problems.push(`missing ${id} (model v${want.version})`);
    else if (got.version !== want.version)
      problems.push(`${id} indexed at v${got.version}, model v${want.version}`);
    else if (!isDeepStrictEqual(got.data, want.data))
      problems.push(`${id} at v${want.version}: data differs from the model's`);
    else if (got.indexedAt !== new Date(want.version).toISOString())
      problems.push(`${id} at v${want.version}: oip.indexedAt is ${String(got.indexedAt)}`);
  }
  for (const [id, got] of actual)
    if (!expected.has(id)) problems.push(`unexpected ${id} (indexed v${got.version})`);
  return problems;
}

async function report(model: Model, live: LiveSystem, problems: string[]): Promise<string> {
  const letters = await live.deadLetters.list({ offset: 0, limit: 50 });
  return [
    `the index differs from the model (${problems.length}):`,
    ...problems.map((p) => `  ${p}`),
    'model:',
    ...model.souls.map((s) => `  ${describeSoul(s)}`),
    `dead letters (${letters.total}):`,
    ...letters.items.map(
      (d) => `  ${d.soul} ${d.stage} ${d.reason} v${d.version ?? '-'} attempts ${d.attempts}`,
    ),
  ].join('\n');
}

describe('convergence against a reference model', () => {
  it(
    `ends with the index equal to the model after random command sequences (${runs} runs)`,
    async () => {
      process.stdout.write(
        `[model] seed ${seed}: ${runs} runs of up to ${maxCommands} commands over ${soulCount} souls` +
          ` (replay: MODEL_SEED=${seed} MODEL_RUNS=${runs}${replayPath ? ` MODEL_PATH=${replayPath}` : ''})\n`,
      );
      let run = 0;
      let passed = 0;
      const started = Date.now();
      const property = fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: soulCount, maxLength: soulCount }),
        fc.commands(commandArbitraries(soulCount), { maxCommands, size: 'max' }),
        async (privates, cmds) => {
          run += 1;
          const runStarted = Date.now();
          const live = await startLiveSystem(serviceUrls());
          try {
            const model = createModel(
              privates.map((isPrivate, i) => ({
                soul: `${live.publisher.publisherHash}:m-${i}`,
                localId: `m-${i}`,
                private: isPrivate,
              })),
              Date.now() - 3_600_000,
            );
            await fc.asyncModelRun(() => ({ model, real: live }), cmds);
            // Between full scans discovery reads only the v2 buckets since its mark (a legacy-only
            // registration waits for the next full scan, GUN_REGISTRY_FULL_SCAN_MS): the final
            // scan must be a full one, and not forced, so change detection is what finds changes.
            await live.restartNode({ GUN_REGISTRY_FULL_SCAN_MS: '0' });
            await live.node.discover('all');
            await live.node.discover('deletions');
            await live.waitQuiet('the pipeline to settle after the final scans', 240_000);
            const expected = expectedIndex(model);
            const problems = compareIndex(expected, await live.indexed());
            if (problems.length > 0) throw new Error(await report(model, live, problems));
            if (live.fatals.length > 0)
              throw new Error(
                `the node reported fatal errors: ${live.fatals.map(String).join('; ')}`,
              );
            passed += 1;
            process.stdout.write(
              `[model] run ${run}: ${expected.size} documents as modelled after [${ranCommands(cmds)}] in ${Date.now() - runStarted} ms\n`,
            );
          } finally {
            await live.close();
          }
        },
      );
      try {
        await fc.assert(property, {
          seed,
          numRuns: runs,
          endOnFailure: !shrink,
          ...(replayPath ? { path: replayPath } : {}),
        });
      } finally {
        process.stdout.write(
          `[model] seed ${seed}: ${passed} of ${run} runs passed in ${Math.round((Date.now() - started) / 1000)} s\n`,
        );
      }
      expect(passed).toBe(run);
    },
    runs * 300_000 + 60_000,
  );
});
