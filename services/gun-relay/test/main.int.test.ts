import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, startRelayProcess } from './support.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gun-relay-main-'));
const startMain = () => startRelayProcess({ GUN_RELAY_DATA_DIR: dataDir });

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

  it('warns when radisk runs under the heap cap sized for sqlite, not once the heap is raised', async () => {
    const started = async (env: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), 'gun-relay-heap-'));
      const relay = await startRelayProcess({ GUN_RELAY_DATA_DIR: dir, ...env });
      relay.child.kill('SIGTERM');
      await relay.exited;
      rmSync(dir, { recursive: true, force: true });
      return relay.warnings.filter((msg) => msg.startsWith('radisk keeps every node in memory'));
    };
    expect(await started({ GUN_RELAY_STORE: 'radisk' })).toHaveLength(1);
    expect(
      await started({ GUN_RELAY_STORE: 'radisk', NODE_OPTIONS: '--max-old-space-size=2048' }),
    ).toHaveLength(0);
    expect(await started({ GUN_RELAY_STORE: 'sqlite' })).toHaveLength(0);
  });
});
