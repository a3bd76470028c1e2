/**
 * Lints infra/docker/Dockerfile: the diagnostics of dockerfile-utils (the linter behind VS Code's
 * Dockerfile support: syntax, flags, durations, ports, duplicate CMDs), then the rules the
 * issue sets: multi-stage, pinned bases, a pruned workspace with production dependencies only,
 * non-root, a healthcheck, exec-form start-up, the pinned pnpm and turbo, and ENV names the
 * config catalog knows. The two shell scripts get `sh -n` and, where installed, shellcheck.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import type { Catalog } from './catalog.js';
import { probeEndpoints } from './k8s-workload-rules.js';
import type { Report } from './report.js';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Instructions with continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current: Instruction | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) return;
    if (current && line.startsWith('#')) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1) : line;
    if (current) current.args += ` ${body.trim()}`;
    else {
      const [keyword = '', ...rest] = body.split(/\s+/);
      current = { keyword: keyword.toUpperCase(), args: rest.join(' '), line: i + 1 };
    }
    if (!continued) {
      out.push(current);
      current = undefined;
    }
  });
  if (current) out.push(current);
  return out;
}

/** Variables only the build uses (package manager and tooling), not the services. */
export const buildOnlyEnv = new Set([
  'PNPM_HOME',
  'PATH',
  'NPM_CONFIG_UPDATE_NOTIFIER',
  'NPM_CONFIG_FUND',
  'TURBO_TELEMETRY_DISABLED',
]);

const exactImage = /^[\w./-]+:\d+\.\d+\.\d+(-[\w.-]+)?(@sha256:[0-9a-f]{64})?$/;

export interface DockerfileInput {
  root: string;
  dockerfileText: string;
  catalog: Catalog;
}

function envNames(args: string): string[] {
  // ENV NAME=value [NAME=value ...] or the legacy ENV NAME value.
  if (!args.includes('=')) return [args.split(/\s+/)[0] ?? ''];
  return [...args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] ?? '');
}

function isExecForm(args: string): boolean {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string');
  } catch {
    return false;
  }
}

/**
 * `ARG NODE_VERSION=x` with a RUN that fetches node-linux-<arch>@$NODE_VERSION, checks it with
 * sha512sum -c and installs it, in the first stage; the final stage copies that binary.
 */
function nodeInstall(
  instructions: Instruction[],
): { version: string; baseVersion: string; problem?: string } | undefined {
  const arg = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_VERSION='));
  if (!arg) return undefined;
  const first = instructions.find((i) => i.keyword === 'FROM');
  const baseVersion = /^node:(\d+\.\d+\.\d+)-/.exec(first?.args ?? '')?.[1];
  const installs = instructions.some(
    (i) =>
      i.keyword === 'RUN' &&
      /node-linux-/.test(i.args) &&
      /\$NODE_VERSION/.test(i.args) &&
      /sha512sum -c/.test(i.args) &&
      /\/usr\/local\/bin\/node/.test(i.args),
  );
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  const copies = instructions
    .slice(lastFrom)
    .some(
      (i) =>
        i.keyword === 'COPY' &&
        /--from=\S+ \/usr\/local\/bin\/node \/usr\/local\/bin\/node/.test(i.args),
    );
  const version = arg.args.slice('NODE_VERSION='.length);
  if (!installs)
    return {
      version,
      baseVersion: '',
      problem: 'no RUN installs node-linux-<arch>@$NODE_VERSION checked with sha512sum -c',
    };
  if (!copies)
    return {
      version,
      baseVersion: '',
      problem: 'the final stage does not COPY --from=… /usr/local/bin/node',
    };
  if (!baseVersion)
    return { version, baseVersion: '', problem: 'the first stage is not a node: image' };
  return { version, baseVersion };
}

export function checkDockerfile(input: DockerfileInput, report: Report): void {
  const { dockerfileText: text, root, catalog } = input;
  for (const d of validate(text)) {
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    report.error(`Dockerfile:${d.range.start.line + 1}: ${message}`);
  }
  const instructions = parseDockerfile(text);
  report.count('instructions', instructions.length);
  const nodeVersion = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
  // The node binary may come from the npm registry instead of the base image: then the image's
  // Node is ARG NODE_VERSION, and the base only has to be the Node image it replaces it in.
  const installed = nodeInstall(instructions);
  if (installed?.problem)
    report.error(`Dockerfile: ARG NODE_VERSION is set but ${installed.problem}`);
  else if (installed && installed.version !== nodeVersion)
    report.error(
      `Dockerfile: ARG NODE_VERSION=${installed.version} is not Node ${nodeVersion} (.nvmrc)`,
    );
  const imageNode = installed && !installed.problem ? installed.baseVersion : undefined;
  const stages: { name: string; from: string; body: Instruction[] }[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [image = '', as, name] = ins.args.split(/\s+/);
      const stageNames = stages.map((s) => s.name);
      if (!stageNames.includes(image) && !exactImage.test(image)) {
        report.error(
          `Dockerfile:${ins.line}: FROM ${image} is not pinned to an exact version (x.y.z)`,
        );
      }
      if (!stageNames.includes(image) && !image.startsWith(`node:${imageNode ?? nodeVersion}-`)) {
        report.error(`Dockerfile:${ins.line}: base ${image} is not Node ${nodeVersion} (.nvmrc)`);
      }
      if (!stageNames.includes(image) && !image.includes('@sha256:')) {
        report.error(`Dockerfile:${ins.line}: base ${image} is not pinned by digest (@sha256:…)`);
      }
      stages.push({ name: as?.toUpperCase() === 'AS' && name ? name : '', from: image, body: [] });
    } else {
      stages.at(-1)?.body.push(ins);
      if (ins.keyword === 'ADD') report.error(`Dockerfile:${ins.line}: use COPY, not ADD`);
    }
  }
  report.count('stages', stages.length);
  if (stages.length < 2) report.error('Dockerfile: not a multi-stage build');
  const final = stages.at(-1);
  const finalBody = final?.body ?? [];
  const last = (keyword: string) => finalBody.filter((i) => i.keyword === keyword).at(-1);
  const user = last('USER')?.args.split(':')[0];
  if (!user || user === 'root' || user === '0')
    report.error('Dockerfile: the final stage must switch to a non-root USER');
  const health = last('HEALTHCHECK');
  if (!health || /^NONE\b/i.test(health.args))
    report.error('Dockerfile: the final stage has no HEALTHCHECK');
  for (const keyword of ['ENTRYPOINT', 'CMD']) {
    const ins = last(keyword);
    if (!ins || !isExecForm(ins.args))
      report.error(`Dockerfile: ${keyword} must be in exec form (a JSON array)`);
  }
  const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  if (!runs.some((r) => /\bturbo prune\b.*--docker\b/.test(r)))
    report.error('Dockerfile: no `turbo prune … --docker` (pruned workspace)');
  const installs = runs.filter((r) => /\bpnpm install\b/.test(r));
  if (
    installs.length === 0 ||
    !installs.every((r) => r.includes('--prod') && r.includes('--frozen-lockfile'))
  ) {
    report.error('Dockerfile: pnpm install must use --prod and --frozen-lockfile');
  }
  checkPins(runs, root, report);
  for (const ins of instructions.filter((i) => i.keyword === 'ENV')) {
    for (const name of envNames(ins.args)) {
      const inFinal = finalBody.includes(ins);
      if (inFinal ? !catalog.resolve(name) : !catalog.resolve(name) && !buildOnlyEnv.has(name)) {
        report.error(`Dockerfile:${ins.line}: ENV ${name} is not a variable of the config catalog`);
      }
    }
  }
  const exposed = new Set(
    finalBody.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/)),
  );
  for (const name of ['API_PORT', 'GUN_RELAY_PORT', 'PROBE_PORT']) {
    const port = catalog.vars.get(name)?.spec.default ?? '';
    if (!exposed.has(port)) report.error(`Dockerfile: EXPOSE lacks ${port} (${name})`);
  }
  for (const ins of instructions.filter(
    (i) => i.keyword === 'COPY' && !i.args.includes('--from='),
  )) {
    const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) {
      if (src !== '.' && !existsSync(join(root, src)))
        report.error(`Dockerfile:${ins.line}: COPY ${src} does not exist`);
    }
  }
  checkScripts(root, report);
}

function checkPins(runs: string[], root: string, report: Report): void {
  const require = createRequire(join(root, 'package.json'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    packageManager?: string;
  };
  const pins: [string, string][] = [
    ['pnpm', pkg.packageManager?.split('@')[1] ?? '?'],
    ['turbo', (require('turbo/package.json') as { version: string }).version],
  ];
  for (const [tool, version] of pins) {
    if (!runs.some((r) => r.includes(`${tool}@${version}`))) {
      report.error(`Dockerfile: install ${tool}@${version}, the version the repository uses`);
    }
  }
}

function checkScripts(root: string, report: Report): void {
  const scripts = ['entrypoint.sh', 'healthcheck.sh'].map((f) => join(root, 'infra', 'docker', f));
  for (const file of scripts) {
    const res = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
    if (res.status !== 0) report.error(`${file}: ${res.stderr.trim()}`);
    report.count('shell scripts');
  }
  const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (shellcheck.status === 0) {
    const res = spawnSync('shellcheck', ['--shell=sh', ...scripts], { encoding: 'utf8' });
    if (res.status !== 0) report.error(`shellcheck: ${res.stdout.trim()}`);
  } else {
    report.note('shellcheck not installed: the shell scripts got `sh -n` only');
  }
  const health = readFileSync(scripts[1] as string, 'utf8');
  for (const [role, endpoints] of Object.entries(probeEndpoints)) {
    if (!health.includes(role) || !health.includes(endpoints.live)) {
      report.error(`healthcheck.sh: does not check ${role} on ${endpoints.live}`);
    }
  }
  const ignore = join(root, 'infra', 'docker', 'Dockerfile.dockerignore');
  const rules = existsSync(ignore) ? readFileSync(ignore, 'utf8').split('\n') : [];
  for (const needed of ['**/node_modules', '.env']) {
    if (!rules.includes(needed)) report.error(`Dockerfile.dockerignore: must exclude ${needed}`);
  }
}
