import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from './support.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'gun-relay-main-'));

/** Starts `src/main.ts` like the container does and resolves once it logs its URL. */
function startMain(): Promise<{
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/gun-relay/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      GUN_RELAY_HOST: '127.0.0.1',
      GUN_RELAY_PORT: '0',
      GUN_RELAY_DATA_DIR: dataDir,
      GUN_PEERS: '',
      LOG_LEVEL: 'info',
      LOG_PRETTY: 'false',
      SHUTDOWN_TIMEOUT_MS: '10000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('relay did not start in 20 s')), 20_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const event = JSON.parse(line) as { msg?: string; url?: string };
      if (event.msg === 'gun relay listening' && event.url) {
        clearTimeout(timer);
        resolve({ child, url: event.url, exited });
      }
    });
    child.on('exit', (code) => reject(new Error(`relay exited with ${code} before listening`)));
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('gun-relay main', () => {
  it('exits 0 on SIGTERM while a request hangs, and keeps its data for the next start', async () => {
    const first = await startMain();
    expect(
      (await call('POST', `${first.url}/put`, { soul: 'm:1', data: { kept: 'yes' } })).status,
    ).toBe(200);
    const port = Number(new URL(first.url).port);
    const hanging = new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/put',
        headers: { 'content-length': '500' },
      });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write('{"soul":');
    });
    await call('GET', `${first.url}/health`);
    const started = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    await hanging;

    const second = await startMain();
    try {
      expect((await call('GET', `${second.url}/get?soul=m:1`)).body).toEqual({
        success: true,
        data: { kept: 'yes' },
      });
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
