import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog.js';
import { checkDockerfile, parseDockerfile } from './dockerfile.js';
import { repoRoot } from './paths.js';
import { createReport } from './report.js';

const catalog = loadCatalog();
const nodeVersion = readFileSync(join(repoRoot, '.nvmrc'), 'utf8').trim();
const dockerfileText = readFileSync(join(repoRoot, 'infra', 'docker', 'Dockerfile'), 'utf8');

function lint(text: string): string[] {
  const report = createReport('Dockerfile');
  checkDockerfile({ root: repoRoot, dockerfileText: text, catalog }, report);
  return report.errors;
}

function edit(from: string | RegExp, to: string): string {
  expect(dockerfileText).toMatch(from);
  return dockerfileText.replace(from, to);
}

describe('infra/docker/Dockerfile', () => {
  it('passes the linter and every rule', () => {
    expect(lint(dockerfileText)).toEqual([]);
  });

  it.each([
    [
      'an unpinned base',
      edit(
        /FROM node:24\.15\.0-bookworm-slim@sha256:\w+ AS runtime/,
        'FROM node:24-bookworm-slim AS runtime',
      ),
      'FROM node:24-bookworm-slim is not pinned to an exact version',
    ],
    [
      'a base without a digest',
      edit(
        /FROM node:24\.15\.0-bookworm-slim@sha256:\w+ AS runtime/,
        'FROM node:24.15.0-bookworm-slim AS runtime',
      ),
      'base node:24.15.0-bookworm-slim is not pinned by digest',
    ],
    [
      'another Node major',
      edit(
        /FROM node:24\.15\.0-bookworm-slim@sha256:\w+ AS runtime/,
        'FROM node:22.12.0-bookworm-slim AS runtime',
      ),
      `base node:22.12.0-bookworm-slim is not Node ${nodeVersion} (.nvmrc)`,
    ],
    [
      'an installed Node other than .nvmrc',
      edit(/ARG NODE_VERSION=[\d.]+/, 'ARG NODE_VERSION=24.15.0'),
      `ARG NODE_VERSION=24.15.0 is not Node ${nodeVersion} (.nvmrc)`,
    ],
    [
      'an installed Node without its checksum',
      edit('sha512sum -c -', 'true'),
      'no RUN installs node-linux-<arch>@$NODE_VERSION checked with sha512sum -c',
    ],
    [
      'a runtime stage that keeps the base image node',
      edit('COPY --from=base /usr/local/bin/node /usr/local/bin/node\n', ''),
      'the final stage does not COPY --from=… /usr/local/bin/node',
    ],
    ['root at run time', edit('USER node\n', ''), 'the final stage must switch to a non-root USER'],
    ['no healthcheck', edit(/HEALTHCHECK .*\n/, ''), 'the final stage has no HEALTHCHECK'],
    [
      'development dependencies',
      edit('--frozen-lockfile --prod', '--frozen-lockfile'),
      'pnpm install must use --prod and --frozen-lockfile',
    ],
    [
      'no pruned workspace',
      edit('turbo prune $scopes --docker', 'true'),
      'no `turbo prune … --docker`',
    ],
    [
      'a shell-form entrypoint',
      edit('ENTRYPOINT ["entrypoint.sh"]', 'ENTRYPOINT entrypoint.sh'),
      'ENTRYPOINT must be in exec form',
    ],
    ['another pnpm', edit('pnpm@10.34.8', 'pnpm@9.0.0'), 'install pnpm@10.34.8'],
    [
      'an unknown variable',
      edit('ENV NODE_ENV=production', 'ENV NODE_ENV=production SYNC_MODE=fast'),
      'ENV SYNC_MODE is not a variable of the config catalog',
    ],
    [
      'a syntax error',
      edit('WORKDIR /app\nCOPY --from=deps', 'WORKDIR /app\nCOPPY --from=deps'),
      'Unknown instruction: COPPY',
    ],
    ['an invalid duration', edit('--interval=15s', '--interval=15'), 'Dockerfile:'],
    [
      'a missing file',
      edit('infra/docker/healthcheck.sh /usr', 'infra/docker/health.sh /usr'),
      'COPY infra/docker/health.sh does not exist',
    ],
    ['ADD', edit('COPY . .', 'ADD . .'), 'use COPY, not ADD'],
  ])('fails on %s', (_what, text, message) => {
    expect(lint(text).join('\n')).toContain(message);
  });
});

describe(parseDockerfile.name, () => {
  it('joins continuation lines and skips comments inside them', () => {
    const parsed = parseDockerfile(
      'FROM a:1.2.3 AS x\n# c\nRUN one \\\n  # inner\n  two\nCMD ["x"]\n',
    );
    expect(parsed).toEqual([
      { keyword: 'FROM', args: 'a:1.2.3 AS x', line: 1 },
      { keyword: 'RUN', args: 'one  two', line: 3 },
      { keyword: 'CMD', args: '["x"]', line: 6 },
    ]);
  });
});
