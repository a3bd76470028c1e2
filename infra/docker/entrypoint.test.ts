/**
 * The image's entrypoint as `docker run <image> <service> [args…]` runs it, without Docker:
 * `sh entrypoint.sh …` with GUN_SYNC_APP_DIR pointing at this checkout instead of /app.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../validate/paths.js';

const entrypoint = join(repoRoot, 'infra', 'docker', 'entrypoint.sh');

async function run(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)('sh', [entrypoint, ...args], {
      cwd: '/',
      env: { PATH: process.env.PATH ?? '', GUN_SYNC_APP_DIR: repoRoot, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('infra/docker/entrypoint.sh', { timeout: 60_000 }, () => {
  it('runs the CLI: cli --version prints the version of services/cli/package.json', async () => {
    const { version } = JSON.parse(
      readFileSync(join(repoRoot, 'services', 'cli', 'package.json'), 'utf8'),
    ) as { version: string };
    const res = await run(['cli', '--version']);
    expect(res).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('runs the CLI: cli migrate --dry-run reaches for Elasticsearch and fails with one line', async () => {
    const res = await run(['cli', 'migrate', '--dry-run'], {
      ELASTICSEARCH_URL: 'http://127.0.0.1:9',
      GUN_NODE_ID_OVERRIDE: 'node-a',
      GUN_PEERS: 'http://127.0.0.1:9',
    });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^gun-sync: Elasticsearch at http:\/\/127\.0\.0\.1:9 is unreachable/),
    ]);
    expect(res.stdout).toBe('');
  });

  it('passes bad CLI usage through with the CLI’s exit code', async () => {
    const res = await run(['cli', 'nonsense']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^gun-sync: unknown command "nonsense"/);
  });

  it('refuses an unknown service name with exit code 64 and the names it knows', async () => {
    const res = await run(['nonsense', '--version']);
    expect(res.code).toBe(64);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      'entrypoint.sh: unknown service "nonsense"; run one of: api cli discovery gun-relay indexer standalone transform\n',
    );
  });

  it("starts a service with its package.json's V8 settings, the operator's NODE_OPTIONS after them", async () => {
    // A preload that prints the heap limit the service would run with, and stops it there.
    const dir = mkdtempSync(join(tmpdir(), 'entrypoint-'));
    const probe = join(dir, 'heap.cjs');
    writeFileSync(
      probe,
      "process.stdout.write(String(Math.floor(require('v8').getHeapStatistics().heap_size_limit / 1048576))); process.exit(0);",
    );
    try {
      const heapMiB = async (nodeOptions: string) =>
        Number((await run(['discovery'], { NODE_OPTIONS: nodeOptions })).stdout);
      const { nodeOptions } = JSON.parse(
        readFileSync(join(repoRoot, 'services', 'discovery', 'package.json'), 'utf8'),
      ) as { nodeOptions: string };
      const cap = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
      // The heap limit is the old space plus the young generation (a few MiB at these settings).
      expect(await heapMiB(`--require ${probe}`)).toBeGreaterThanOrEqual(cap);
      expect(await heapMiB(`--require ${probe}`)).toBeLessThan(cap + 64);
      expect(await heapMiB(`--max-old-space-size=300 --require ${probe}`)).toBeLessThan(300 + 64);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing or malformed service name the same way', async () => {
    const none = await run([]);
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/^entrypoint\.sh: no service given; run one of: api cli /);
    const path = await run(['../cli']);
    expect(path.code).toBe(64);
    expect(path.stderr).toMatch(/^entrypoint\.sh: unknown service "\.\.\/cli"; run one of: /);
  });
});

describe('infra/docker/healthcheck.sh', () => {
  const healthcheck = join(repoRoot, 'infra', 'docker', 'healthcheck.sh');
  const check = async (service: string) => {
    try {
      await promisify(execFile)('sh', [healthcheck, service], { timeout: 10_000 });
      return 0;
    } catch (err) {
      return (err as { code: number }).code;
    }
  };

  it('counts a running CLI command as healthy (it has no endpoint) and an unknown name as not', async () => {
    expect(await check('cli')).toBe(0);
    expect(await check('nonsense')).toBe(1);
  });
});
