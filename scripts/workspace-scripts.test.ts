/**
 * The root scripts do what they say. turbo is kept only for `turbo prune` in the Dockerfile
 * (README, "Why one process per tool, and turbo only for `prune`"): a task turbo.json declares
 * that no workspace package implements makes `turbo run <task>` succeed having run nothing,
 * which is how `pnpm build` was a silent no-op.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../infra/validate/paths.js';

interface Manifest {
  name?: string;
  scripts?: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const root = readJson<Manifest>(join(repoRoot, 'package.json'));
const turbo = readJson<{ tasks?: Record<string, unknown> }>(join(repoRoot, 'turbo.json'));

/** The package.json of every workspace package (pnpm-workspace.yaml's `dir/*` globs). */
function workspacePackages(): Manifest[] {
  const { packages } = parse(readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8')) as {
    packages: string[];
  };
  return packages.flatMap((glob) => {
    const dir = join(repoRoot, glob.replace(/\/\*$/, ''));
    return readdirSync(dir)
      .map((name) => join(dir, name, 'package.json'))
      .filter((file) => existsSync(file))
      .map((file) => readJson<Manifest>(file));
  });
}

/** The task names of every `turbo run a b …` in a script. */
function turboTasks(script: string): string[] {
  return [...script.matchAll(/\bturbo run ((?:[\w:#/-]+ ?)+)/g)].flatMap((m) =>
    (m[1] ?? '').trim().split(' '),
  );
}

describe('workspace scripts', () => {
  const packages = workspacePackages();
  const implemented = (task: string) =>
    packages.filter((p) => p.scripts?.[task] !== undefined).map((p) => p.name);

  it('finds the workspace packages', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@sync/cli', '@sync/api']));
  });

  it('declares no turbo task that no workspace package implements (turbo run would do nothing)', () => {
    const idle = Object.keys(turbo.tasks ?? {})
      .map((key) => key.split('#').pop() ?? key)
      .filter((task) => implemented(task).length === 0);
    expect(idle).toEqual([]);
  });

  it('runs through turbo only tasks some workspace package implements', () => {
    const idle = Object.entries(root.scripts ?? {}).flatMap(([name, script]) =>
      turboTasks(script)
        .filter((task) => implemented(task).length === 0)
        .map((task) => `${name}: turbo run ${task}`),
    );
    expect(idle).toEqual([]);
  });

  it('has a build script that does something', () => {
    expect(root.scripts?.build).toBeDefined();
    expect(root.scripts?.build).not.toMatch(/^\s*(true|:|exit 0|echo\b[^&|;]*)\s*$/);
  });
});
