/**
 * radisk reads a large node from disk in chunks (`'%': 1` on each but the last), with pauses
 * between them longer than the relay's 30 ms settle time. GET /get must answer the node whole
 * (200 with every field), or 503 SYNC_GUN_PARTIAL when it is still arriving at the stream
 * limit; never 200 with the part that had arrived (issue 15: a legacy index of 100,000 entries
 * on radisk was listed ~5,400 entries at a time, each scan believing it had the whole index).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, startRelayProcess, type RelayProcess } from './support.js';

const fields = 20_000;
const soul = 'oip:registry:index:post';
const dir = mkdtempSync(join(tmpdir(), 'relay-radisk-stream-'));
const running: RelayProcess[] = [];
afterAll(() => {
  for (const relay of running) relay.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function start(streamLimitMs: number): Promise<RelayProcess> {
  const relay = await startRelayProcess({
    GUN_RELAY_STORE: 'radisk',
    GUN_RELAY_DATA_DIR: dir,
    GUN_RELAY_STREAM_LIMIT_MS: String(streamLimitMs),
  });
  running.push(relay);
  return relay;
}

async function stop(relay: RelayProcess): Promise<void> {
  relay.child.kill('SIGTERM');
  await relay.exited;
}

/** A read: the number of fields of a 200, or the 503's code. */
async function read(relay: RelayProcess): Promise<number | string> {
  const answer = await call('GET', `${relay.url}/get?soul=${encodeURIComponent(soul)}`);
  if (answer.status === 200) return Object.keys((answer.body as { data: object }).data).length;
  return `${answer.status} ${(answer.body as { code?: string }).code}`;
}

describe('a large node read from radisk', () => {
  it('is answered whole or as partial (503), never 200 with part of it', async () => {
    let relay = await start(10_000);
    for (let from = 0; from < fields; from += 1000) {
      const data: Record<string, string> = {};
      for (let i = from; i < from + 1000; i++)
        data[`ee55aa00bb11:record-${String(i).padStart(7, '0')}`] = `entry ${i} ${'x'.repeat(20)}`;
      expect((await call('POST', `${relay.url}/put`, { soul, data })).status).toBe(200);
    }
    await stop(relay);

    // From disk, the default stream limit: three reads, each the whole node, all alike.
    relay = await start(10_000);
    const whole = [await read(relay), await read(relay), await read(relay)];
    expect(typeof whole[0]).toBe('number');
    expect(whole[0]).toBeGreaterThan(fields * 0.99); // radisk may lose its last writes at a stop
    expect(whole).toEqual([whole[0], whole[0], whole[0]]);
    await stop(relay);

    // From disk, a limit shorter than the stream: whole, or a 503 that says partial.
    relay = await start(20);
    const cut = await read(relay);
    expect([whole[0], '503 SYNC_GUN_PARTIAL']).toContain(cut);
    await stop(relay);
  }, 120_000);
});
