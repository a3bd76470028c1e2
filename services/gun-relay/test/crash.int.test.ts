/**
 * A relay process killed with SIGKILL in the middle of a write burst: every put it answered
 * 200 is served, complete, by the relay started again on the same folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { call, startRelayProcess, waitFor } from './support.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const recordOf = (i: number) => ({
  data: JSON.stringify({ basic: { name: `burst ${i}` } }),
  oip: JSON.stringify({ recordType: 'post', did: `did:gun:ee55:b-${i}` }),
  meta: { created: i, localId: `b-${i}` },
});

/** Writers that put records until the relay is gone; `acknowledged` lists those answered 200. */
function burst(url: string, writers: number): { acknowledged: number[]; done: Promise<void> } {
  let next = 0;
  const acknowledged: number[] = [];
  const writer = async () => {
    for (;;) {
      const i = next++;
      try {
        const answer = await call('POST', `${url}/put`, { soul: `ee55:b-${i}`, data: recordOf(i) });
        if (answer.status === 200) acknowledged.push(i);
      } catch {
        return; // the relay is gone
      }
    }
  };
  return {
    acknowledged,
    done: Promise.all(Array.from({ length: writers }, writer)).then(() => undefined),
  };
}

describe('a relay killed during a write burst', () => {
  it('serves every acknowledged put after it starts again (the default store)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gun-relay-crash-'));
    dirs.push(dataDir);
    // GUN_RELAY_STORE empty: the relay opens its default store, whatever the environment says.
    const env = { GUN_RELAY_DATA_DIR: dataDir, GUN_RELAY_STORE: '' };
    const first = await startRelayProcess(env);
    expect(first.store).toBe('sqlite');
    const writes = burst(first.url, 16);
    // Killed while 16 writers keep going, once a good number of writes were answered.
    await waitFor(() => writes.acknowledged.length >= 150, 60_000, '150 acknowledged puts');
    first.child.kill('SIGKILL');
    await first.exited;
    await writes.done;
    const acknowledged = [...writes.acknowledged];

    const second = await startRelayProcess(env);
    try {
      const missing: number[] = [];
      for (const i of acknowledged) {
        const answer = await call('GET', `${second.url}/get?soul=ee55:b-${i}&resolve=1`);
        const expected = {
          success: true,
          data: {
            data: { basic: { name: `burst ${i}` } },
            oip: { recordType: 'post', did: `did:gun:ee55:b-${i}` },
            meta: { created: i, localId: `b-${i}` },
          },
        };
        if (!isDeepStrictEqual(answer.body, expected)) missing.push(i);
      }
      expect(missing).toEqual([]);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
