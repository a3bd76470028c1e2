import { createHook } from 'node:async_hooks';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpPeer, toGetResult, toRawNode } from './http-peer.js';

/** A relay answering every `/get` with `body`, written a few bytes at a time. */
async function relayAnswering(status: number, body: string, timeoutMs = 10_000) {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    const bytes = Buffer.from(body, 'utf8');
    for (let at = 0; at < bytes.length; at += 7) res.write(bytes.subarray(at, at + 7));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const peer = createHttpPeer({
    baseUrl: `http://127.0.0.1:${port}`,
    concurrency: 2,
    timeoutMs,
    maxResponseBytes: 1 << 20,
  });
  return {
    peer,
    close: async () => {
      peer.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe(createHttpPeer.name, () => {
  it('leaves no timer behind a finished request', async () => {
    const relay = await relayAnswering(
      200,
      JSON.stringify({ success: true, data: { a: 1 } }),
      60_000,
    );
    // Timers alive: created and neither fired nor cleared.
    const alive = new Set<number>();
    const hook = createHook({
      init: (id, type) => {
        if (type === 'Timeout') alive.add(id);
      },
      destroy: (id) => alive.delete(id),
    }).enable();
    const scan = new AbortController(); // a long-lived signal, as a scan's
    try {
      const before = alive.size;
      for (let i = 0; i < 50; i++)
        expect((await relay.peer.getNode(`s${i}`, scan.signal)).status).toBe('found');
      // Before, each request left a 60 s timeout behind (AbortSignal.timeout) holding its
      // signal and listeners: at thousands of reads a second, most of discovery's heap.
      expect(alive.size - before).toBeLessThan(10); // the agent's sockets keep a few of their own
    } finally {
      hook.disable();
      await relay.close();
    }
  });
});

describe('createHttpPeer().getIndex', () => {
  const soul = 'oip:registry:index:post';

  it('reads an index answer field by field into a listing, cut anywhere (UTF-8 included)', async () => {
    const data: Record<string, unknown> = { _: { '#': soul, '>': { 'a:1': 1 } } };
    for (let i = 0; i < 300; i++) data[`pub:ü${i}`] = { '#': `${soul}/pub:ü${i}` };
    data['odd:1'] = { '#': 'elsewhere' };
    const relay = await relayAnswering(200, JSON.stringify({ success: true, data }));
    try {
      const read = await relay.peer.getIndex(soul);
      if (read.status !== 'found') throw new Error(read.status);
      expect(read.value.keys).toEqual(
        Object.keys(data)
          .filter((k) => k !== '_')
          .sort(),
      );
      expect(read.value.valueOf('odd:1')).toEqual({ '#': 'elsewhere' });
      expect(read.value.valueOf('pub:ü7')).toEqual({ '#': `${soul}/pub:ü7` });
    } finally {
      await relay.close();
    }
  });

  it("is not-found for the relay's 404 and an error for a body that is not JSON", async () => {
    const missing = await relayAnswering(404, '{"error":"Not found"}');
    const html = await relayAnswering(200, '<html>{"data":{</html>');
    try {
      expect(await missing.peer.getIndex(soul)).toEqual({ status: 'not-found' });
      const bad = await html.peer.getIndex(soul);
      expect(bad.status).toBe('error');
    } finally {
      await missing.close();
      await html.close();
    }
  });
});

describe(toRawNode.name, () => {
  it('turns parsed data and oip back into the JSON strings GUN stores', () => {
    const stored = '{"basic":{"name":"Test","tagItems":"[\\"a\\"]"}}';
    const node = toRawNode({
      data: JSON.parse(stored) as unknown,
      oip: { did: 'did:gun:a:1' },
      meta: { '#': 'a:1/meta' },
    });
    expect(node).toEqual({ data: stored, oip: '{"did":"did:gun:a:1"}', meta: { '#': 'a:1/meta' } });
  });

  it('keeps links, strings that did not parse, and drops metadata and nulls', () => {
    expect(
      toRawNode({ _: { '#': 'x' }, data: { '#': 'a:1/data' }, oip: 'not json', gone: null }),
    ).toEqual({ data: { '#': 'a:1/data' }, oip: 'not json' });
  });
});

describe(toGetResult.name, () => {
  const peer = 'http://relay';

  it('is found for a node, with data and oip back as strings', () => {
    expect(
      toGetResult(
        { status: 200, body: { success: true, data: { oip: { a: 1 }, meta: { '#': 's/meta' } } } },
        peer,
      ),
    ).toEqual({
      status: 'found',
      value: { oip: '{"a":1}', meta: { '#': 's/meta' } },
    });
  });

  it("is not-found for the relay's 404 and for the proxy's 500 that carries a 404", () => {
    expect(toGetResult({ status: 404, body: { error: 'Not found' } }, peer)).toEqual({
      status: 'not-found',
    });
    expect(
      toGetResult(
        { status: 500, body: { error: 'Request failed with status code 404', success: false } },
        peer,
      ),
    ).toEqual({ status: 'not-found' });
  });

  it('is a retryable error for other server errors and a permanent one for client errors', () => {
    const server = toGetResult(
      { status: 503, body: { error: 'GUN relay proxy disabled for maintenance', success: false } },
      peer,
    );
    expect(server.status === 'error' && server.error.retryable).toBe(true);
    const client = toGetResult({ status: 400, body: { error: 'soul parameter required' } }, peer);
    expect(client.status === 'error' && client.error.retryable).toBe(false);
  });

  it("keeps the relay's partial answer a retryable SYNC_GUN_PARTIAL, with its reason", () => {
    const result = toGetResult(
      {
        status: 503,
        body: { error: 'big: still arriving after 10000 ms', code: 'SYNC_GUN_PARTIAL' },
      },
      peer,
    );
    expect(result.status === 'error' && result.error.code).toBe('SYNC_GUN_PARTIAL');
    expect(result.status === 'error' && result.error.retryable).toBe(true);
    expect(result.status === 'error' && result.error.message).toMatch(/still arriving/);
  });

  it('is a permanent error for a node that is not an object', () => {
    const result = toGetResult({ status: 200, body: { success: true, data: [1] } }, peer);
    expect(result.status === 'error' && result.error.code).toBe('SYNC_GUN_BAD_RESPONSE');
  });
});
