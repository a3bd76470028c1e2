import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

function start(env: Record<string, string>) {
  return spawnSync(tsx, [main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('api start-up with a bad configuration', () => {
  it('stops with one line per bad variable and exit code 78', () => {
    const run = start({ GUN_SYNC_INTERVAL: 'abc', API_PORT: 'http' });
    expect(run.status).toBe(78);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      'GUN_SYNC_INTERVAL: must be a whole number of milliseconds; got "abc" (example: GUN_SYNC_INTERVAL=900000)',
      'API_PORT: must be a whole number of a TCP port; got "http" (example: API_PORT=3005)',
    ]);
    // Nothing on stdout: not even the line the gun package prints when it is loaded.
    expect(run.stdout).toBe('');
    // The child loads the whole API through tsx: seconds on a loaded machine, so the test waits
    // as long as the spawn may take (its own 30 s timeout), not vitest's 5 s default.
  }, 35_000);
});
