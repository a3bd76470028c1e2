/**
 * The installed entry point (bin/gun-sync.js through tsx) as an operator runs it: exit codes
 * and one-line errors for bad usage and an unreachable Elasticsearch.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('the gun-sync binary', () => {
  const bin = fileURLToPath(new URL('../bin/gun-sync.js', import.meta.url));
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const run = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', bin, ...args],
        { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('answers bad usage with one line and exit code 2', async () => {
    const res = await run(['migrate', '--records-only', '--users-only']);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe(
      'gun-sync: --records-only and --users-only exclude each other',
    );
    expect(res.stdout).toBe('');
  }, 30_000);

  it('answers an unreachable Elasticsearch with one line and exit code 1', async () => {
    const res = await run(['migrate', '--dry-run'], {
      ELASTICSEARCH_URL: 'http://127.0.0.1:9',
      GUN_NODE_ID_OVERRIDE: 'node-a',
      GUN_PEERS: 'http://127.0.0.1:9',
    });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^gun-sync: Elasticsearch at http:\/\/127\.0\.0\.1:9 is unreachable \(.*ECONNREFUSED.*\)$/,
      ),
    ]);
    expect(res.stdout).toBe('');
  }, 30_000);

  it('answers an unreachable GUN relay with one line and exit code 1, not an empty registry', async () => {
    const res = await run(['registry', 'stats'], {
      GUN_CLIENT_MODE: 'http',
      GUN_PEERS: 'http://127.0.0.1:9',
      GUN_READ_TIMEOUT_MS: '1000',
    });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^gun-sync: GUN at http:\/\/127\.0\.0\.1:9 is unreachable \(.*\)$/),
    ]);
    expect(res.stdout).toBe('');
  }, 30_000);
});
