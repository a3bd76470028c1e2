/**
 * `gun-relay import-radisk`: what a radisk relay stored is served, complete, by a sqlite relay
 * started on the same folder after the import, and the command reports its counts.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { call, startTestRelay } from './support.js';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const records = 30;
const recordOf = (i: number) => ({
  data: JSON.stringify({ basic: { name: `imported ${i}` } }),
  oip: JSON.stringify({ recordType: 'post', did: `did:gun:ff66:i-${i}` }),
  meta: { created: i, localId: `i-${i}`, flags: { encrypted: i % 2 === 0 } },
});

function runImport(
  radiskDir: string,
  dataDir: string,
): Promise<{ code: number | null; events: Record<string, unknown>[] }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'services/gun-relay/src/main.ts', 'import-radisk', radiskDir],
    {
      cwd: repoRoot,
      env: { ...process.env, GUN_RELAY_DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_PRETTY: 'false' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return new Promise((resolve) =>
    child.on('exit', (code) =>
      resolve({
        code,
        events: out
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      }),
    ),
  );
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('gun-relay import-radisk', () => {
  it('imports a radisk folder into the sqlite store beside it, every record complete', async () => {
    const radisk = await startTestRelay({ store: 'radisk' });
    dirs.push(radisk.dataDir);
    for (let i = 0; i < records; i += 1) {
      const put = await call('POST', `${radisk.url}/put`, {
        soul: `ff66:i-${i}`,
        data: recordOf(i),
      });
      expect(put.status).toBe(200);
    }
    await radisk.close();

    const { code, events } = await runImport(radisk.dataDir, radisk.dataDir);
    expect(code).toBe(0);
    const finished = events.find((e) => e.msg === 'radisk import finished');
    // Per record: 3 nodes (record, meta, meta/flags) plus the relay's bookkeeping entry; and
    // the bookkeeping node index:ff66.
    expect(finished).toMatchObject({ unreadableFiles: 0, skippedEntries: 0, olderThanStore: 0 });
    expect(finished?.storeNodes).toBe(records * 4 + 1);

    const relay = await startTestRelay({ store: 'sqlite', dataDir: radisk.dataDir });
    try {
      for (let i = 0; i < records; i += 1) {
        const answer = await call('GET', `${relay.url}/get?soul=ff66:i-${i}&resolve=1`);
        expect(answer.body).toEqual({
          success: true,
          data: {
            data: { basic: { name: `imported ${i}` } },
            oip: { recordType: 'post', did: `did:gun:ff66:i-${i}` },
            meta: { created: i, localId: `i-${i}`, flags: { encrypted: i % 2 === 0 } },
          },
        });
      }
      const list = await call('GET', `${relay.url}/list?publisherHash=ff66&limit=500`);
      expect((list.body as { records: unknown[] }).records).toHaveLength(records);
    } finally {
      await relay.close();
    }
    // A second run changes nothing: everything is already there with the same state.
    const again = await runImport(radisk.dataDir, radisk.dataDir);
    expect(again.code).toBe(0);
    const second = again.events.find((e) => e.msg === 'radisk import finished');
    expect(second?.olderThanStore).toBe(second?.fields);
  });

  it('answers a usage error without a folder', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'services/gun-relay/src/main.ts', 'import-radisk'],
      { cwd: repoRoot, stdio: 'ignore' },
    );
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(64);
  });
});
