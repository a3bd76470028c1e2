/**
 * What a put leaves in the relay's memory (sqlite store): the fields GUN keeps in its graph, not
 * the message they came in. V8's JSON.parse returns each string of 13 or more characters as a
 * slice of the parsed text, and a slice keeps the whole text alive: before the store adapter
 * copied what GUN puts into its graph, every put message stayed in memory for as long as its
 * node did (the registry's type index node, written by every registration, kept them all: a
 * relay with a 256 MiB heap ran out of memory at 50,000 records seeded). Each put here is padded
 * with 1 MB of whitespace after its JSON, which the relay parses but does not store.
 * The wire case failed before the fix (36 MiB of its 40 messages still held); HTTP puts did not
 * keep their bodies then either (GUN's put API builds the graph from its own copies), and that
 * case guards the path.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestRelay, type TestRelay } from './support.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const padding = ' '.repeat(1_000_000);
const puts = 40;
/** GUN drops the message ids it tracks 9 s after the first, on a timer: twice that and a margin. */
const dupForgetsMs = 20_000;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i += 1) gc();
  return process.memoryUsage().heapUsed;
}

/** A GUN wire peer: sends a message's text and waits for the relay's acknowledgement of it. */
async function openWire(url: string) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/gun`);
  const waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  socket.addEventListener('message', (event) => {
    for (const m of [JSON.parse(String(event.data))].flat() as { '@'?: string; err?: string }[]) {
      const wait = m['@'] === undefined ? undefined : waiting.get(m['@']);
      if (!wait) continue;
      waiting.delete(m['@']!);
      if (m.err) wait.reject(new Error(m.err));
      else wait.resolve();
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('websocket error')));
  });
  return {
    send: (id: string, text: string) =>
      new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        socket.send(text);
      }),
    close: () => socket.close(),
  };
}

describe('relay memory after puts (sqlite store)', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ store: 'sqlite' });
  });
  afterAll(() => relay.close());

  it('keeps no HTTP put body alive: the index node links every put, not every body', async () => {
    const before = heapAfterGc();
    for (let i = 0; i < puts; i += 1) {
      // A registration as OIP writes it: one more link in the type index node, which stays in memory.
      const body = JSON.stringify({
        soul: 'oip:registry:index:memtest',
        data: { [`cc33:http-record-${i}`]: { soul: `cc33:http-record-${i}`, timestamp: i } },
      });
      const put = await call('POST', `${relay.url}/put`, body + padding);
      expect(put.status).toBe(200);
    }
    const retainedMiB = (heapAfterGc() - before) / 1024 / 1024;
    expect(relay.stats().graphNodes).toBeGreaterThanOrEqual(puts); // nothing was pruned
    // 40 bodies of 1 MB each: all of them stayed before the fix (≥ 40 MiB).
    expect(retainedMiB).toBeLessThan(10);
  });

  it('keeps no wire message alive', { timeout: 90_000 }, async () => {
    const wire = await openWire(relay.url);
    const before = heapAfterGc();
    const soul = 'oip:registry:index:memwire';
    for (let i = 0; i < puts; i += 1) {
      // Not `memwire-${i}`: GUN tracks a field's ack as message id + field number, so message
      // `memwire-1`'s first field would be taken for message `memwire-10`.
      const id = `${i}-memwire`;
      const key = `cc33:wire-record-${i}`;
      const state = Date.now();
      const message = {
        '#': id,
        put: {
          [soul]: { _: { '#': soul, '>': { [key]: state } }, [key]: { '#': `${soul}/${key}` } },
          [`${soul}/${key}`]: {
            _: { '#': `${soul}/${key}`, '>': { soul: state } },
            soul: key,
          },
        },
      };
      await wire.send(id, JSON.stringify(message) + padding);
    }
    wire.close();
    // GUN remembers each message it heard for 9 s (its dup tracking, dropped on a timer).
    await sleep(dupForgetsMs);
    const retainedMiB = (heapAfterGc() - before) / 1024 / 1024;
    const index = await call('GET', `${relay.url}/get?soul=${encodeURIComponent(soul)}`);
    expect(Object.keys((index.body as { data: object }).data)).toHaveLength(puts);
    expect(retainedMiB).toBeLessThan(10);
  });
});
