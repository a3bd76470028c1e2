/**
 * `docker-compose config` (Debian's docker-compose 1.29, installed by
 * scripts/setup-deploy-tools.sh): a real Compose implementation renders each profile without a
 * Docker engine, and its result must match what the other checks resolved.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentOf, type ResolvedCompose } from './compose-model.js';
import type { Report } from './report.js';
import { isRecord, parseYaml } from './yaml.js';

/** A clean environment: the shell's variables must not leak into interpolation. */
const cleanEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
};

export function dockerComposeVersion(): string | undefined {
  const res = spawnSync('docker-compose', ['version', '--short'], {
    env: cleanEnv,
    encoding: 'utf8',
  });
  return res.status === 0 ? res.stdout.trim() : undefined;
}

export interface ComposeCliInput {
  root: string;
  composeFile: string;
  envText: string;
  profiles: readonly string[];
  resolved: ResolvedCompose;
}

export function checkComposeWithCli(input: ComposeCliInput, report: Report): void {
  const version = dockerComposeVersion();
  if (!version) {
    report.error(
      'docker-compose is not installed (bash scripts/setup-deploy-tools.sh installs it)',
    );
    return;
  }
  report.note(`docker-compose ${version} config`);
  const dir = mkdtempSync(join(tmpdir(), 'gun-sync-compose-'));
  try {
    const envFile = join(dir, 'ci.env');
    writeFileSync(envFile, input.envText);
    // docker-compose 1.29 renders every service whatever the profiles (they only select what
    // `up` starts), so its output is compared with the whole file; the profiles are still given
    // so it validates them.
    const profileArgs = input.profiles.flatMap((p) => ['--profile', p]);
    const res = spawnSync(
      'docker-compose',
      ['--file', input.composeFile, '--env-file', envFile, ...profileArgs, 'config'],
      { cwd: input.root, env: cleanEnv, encoding: 'utf8' },
    );
    if (res.status !== 0) {
      report.error(`docker-compose config failed: ${res.stderr.trim()}`);
      return;
    }
    compareRendered(parseYaml(res.stdout, 'docker-compose config output'), input, report);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compareRendered(rendered: unknown, input: ComposeCliInput, report: Report): void {
  const services = isRecord(rendered) && isRecord(rendered.services) ? rendered.services : {};
  const mine = [...input.resolved.services.values()];
  const theirs = Object.keys(services).sort();
  const ours = mine.map((s) => s.name).sort();
  if (theirs.join() !== ours.join()) {
    report.error(
      `docker-compose renders [${theirs.join(', ')}], the checks saw [${ours.join(', ')}]`,
    );
  }
  for (const s of mine) {
    const spec = services[s.name];
    if (!isRecord(spec)) continue;
    const env = environmentOf(spec);
    for (const name of new Set([...env.keys(), ...s.environment.keys()])) {
      if (env.get(name) !== s.environment.get(name)) {
        report.error(
          `service ${s.name}: ${name} is ${JSON.stringify(env.get(name))} for docker-compose, ${JSON.stringify(s.environment.get(name))} for the checks`,
        );
      }
      report.count('environment values compared with docker-compose');
    }
  }
  report.count('services rendered by docker-compose', theirs.length);
}
