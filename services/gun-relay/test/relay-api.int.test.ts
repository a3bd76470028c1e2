import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, durableStores, startRelayPair, startTestRelay, type TestRelay } from './support.js';

const oip = JSON.stringify({ did: 'did:gun:aa11:post-1', recordType: 'post', ver: '0.8.0' });
const record = {
  data: JSON.stringify({ basic: { name: 'Hello' } }),
  oip,
  meta: { created: 1, localId: 'post-1', encrypted: false },
};

describe.each(durableStores)('relay HTTP API on the %s store', (store) => {
  let pair: Awaited<ReturnType<typeof startRelayPair>>;
  let a: TestRelay;
  let b: TestRelay;

  beforeAll(async () => {
    pair = await startRelayPair({ store });
    ({ a, b } = pair);
    expect((await call('POST', `${a.url}/put`, { soul: 'aa11:post-1', data: record })).status).toBe(
      200,
    );
  });
  afterAll(() => pair.close());

  it('answers /health', async () => {
    expect((await call('GET', `${a.url}/health`)).status).toBe(200);
  });

  it("answers /get in OIP's shape: data and oip parsed, meta a link", async () => {
    const answer = await call('GET', `${a.url}/get?soul=aa11:post-1`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      success: true,
      data: {
        data: { basic: { name: 'Hello' } },
        oip: JSON.parse(oip) as unknown,
        meta: { '#': 'aa11:post-1/meta' },
      },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('content-type')).toBe('application/json');
  });

  it('reads through a peered relay and resolves links with ?resolve=1', async () => {
    const answer = await call('GET', `${b.url}/get?soul=aa11:post-1&resolve=1`);
    expect(answer.body).toMatchObject({
      success: true,
      data: { meta: { created: 1, localId: 'post-1', encrypted: false } },
    });
  });

  it('answers 404 for a missing soul in well under a second, on both relays', async () => {
    for (const relay of [a, b]) {
      const answer = await call('GET', `${relay.url}/get?soul=nobody:has-this`);
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'Not found' });
      expect(answer.ms).toBeLessThan(500);
    }
  });

  it('answers 400 without a soul', async () => {
    expect(await call('GET', `${a.url}/get`)).toMatchObject({
      status: 400,
      body: { error: 'Soul parameter required' },
    });
  });

  it.each([
    ['{} inside', { soul: 'x:1', data: { a: 1, b: {} } }],
    ['a bare {}', { soul: 'x:1', data: {} }],
    ['null at the root', { soul: 'x:1', data: null }],
    ['an array', { soul: 'x:1', data: { tags: ['a'] } }],
    ['no soul', { data: { a: 1 } }],
  ])('answers 400 at once to a put with %s', async (_name, body) => {
    const answer = await call('POST', `${a.url}/put`, body);
    expect(answer.status).toBe(400);
    expect(answer.ms).toBeLessThan(500);
  });

  it('answers 400 to a body that is not JSON', async () => {
    expect(await call('POST', `${a.url}/put`, '{nope')).toMatchObject({
      status: 400,
      body: { error: 'Invalid JSON' },
    });
  });

  it('lists the souls put under a prefix, filtered by the record type in the JSON-string oip', async () => {
    const answer = await call('GET', `${b.url}/list?publisherHash=aa11&recordType=post`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      success: true,
      records: [{ soul: 'aa11:post-1', recordType: 'post', data: { oip: { recordType: 'post' } } }],
    });
    expect((await call('GET', `${a.url}/list?publisherHash=aa11&recordType=image`)).body).toEqual({
      success: true,
      records: [],
    });
    expect((await call('GET', `${a.url}/list`)).status).toBe(400);
  });

  it("reports peers in OIP's shape", async () => {
    const answer = await call('GET', `${b.url}/peers/status`);
    expect(answer.body).toMatchObject({
      configuredPeers: [`${a.url}/gun`],
      peerCount: 1,
      connectedPeers: 1,
      isolationMode: 'multi-node',
      multicastDisabled: true,
      axeDisabled: true,
    });
  });

  it('answers OPTIONS with 200 and unknown paths with 404', async () => {
    expect((await call('OPTIONS', `${a.url}/put`)).status).toBe(200);
    expect(await call('GET', `${a.url}/nope`)).toMatchObject({
      status: 404,
      body: { error: 'Endpoint not found' },
    });
  });

  it('exports connections, reads by answer, writes, answer times and the store on /metrics', async () => {
    await call('GET', `${a.url}/get?soul=nobody:has-this-either`);
    const answer = await call('GET', `${a.url}/metrics`);
    expect(answer.status).toBe(200);
    const text = String(answer.body);
    const value = (series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return Number(line?.slice(series.length + 1));
    };
    expect(value('sync_relay_writes_total{result="stored"}')).toBeGreaterThanOrEqual(1);
    expect(value('sync_relay_reads_total{result="found"}')).toBeGreaterThanOrEqual(1);
    expect(value('sync_relay_reads_total{result="not-found"}')).toBeGreaterThanOrEqual(1);
    expect(value('sync_relay_requests_total{route="/get",code="404"}')).toBeGreaterThanOrEqual(1);
    expect(value('sync_relay_request_duration_seconds_count{route="/put"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(value('sync_relay_connections{direction="incoming"}')).toBe(1); // relay b
    expect(value('sync_relay_graph_nodes')).toBeGreaterThan(0);
    expect(value('sync_relay_store_bytes')).toBeGreaterThan(0);
    expect(text).toContain('process_resident_memory_bytes');
    const peered = String((await call('GET', `${b.url}/metrics`)).body);
    expect(peered).toContain('sync_relay_connections{direction="outgoing"} 1');
  });
});

describe('relay limits, auth and shutdown', () => {
  it('answers 413 to a body over the limit', async () => {
    const relay = await startTestRelay({ maxBodyBytes: 1024, store: 'memory' });
    try {
      const answer = await call('POST', `${relay.url}/put`, {
        soul: 'x:1',
        data: { big: 'x'.repeat(2000) },
      });
      expect(answer.status).toBe(413);
    } finally {
      await relay.close();
    }
  });

  it('requires the bearer token on writes when one is set', async () => {
    const relay = await startTestRelay({ writeToken: 'a-long-test-token-1234', store: 'memory' });
    try {
      expect((await call('POST', `${relay.url}/put`, { soul: 'x:1', data: { a: 1 } })).status).toBe(
        401,
      );
      expect(
        (
          await call(
            'POST',
            `${relay.url}/put`,
            { soul: 'x:1', data: { a: 1 } },
            { authorization: 'Bearer wrong-token-wrong-tok' },
          )
        ).status,
      ).toBe(401);
      expect(
        (
          await call(
            'POST',
            `${relay.url}/put`,
            { soul: 'x:1', data: { a: 1 } },
            { authorization: 'Bearer a-long-test-token-1234' },
          )
        ).status,
      ).toBe(200);
      expect((await call('GET', `${relay.url}/get?soul=x:1`)).status).toBe(200);
    } finally {
      await relay.close();
    }
  });

  it.each(durableStores)('keeps what it stored across a restart (%s)', async (store) => {
    const first = await startTestRelay({ store });
    expect(
      (await call('POST', `${first.url}/put`, { soul: 'p:1', data: { kept: true } })).status,
    ).toBe(200);
    await first.close();
    const second = await startTestRelay({ store, dataDir: first.dataDir });
    try {
      expect((await call('GET', `${second.url}/get?soul=p:1`)).body).toEqual({
        success: true,
        data: { kept: true },
      });
    } finally {
      await second.close();
    }
  });

  it('closes while a request is still sending its body', async () => {
    const relay = await startTestRelay({ store: 'memory', drainMs: 200 });
    const port = Number(new URL(relay.url).port);
    const stuck = new Promise<string>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/put',
        headers: { 'content-type': 'application/json', 'content-length': '1000' },
      });
      req.on('error', (err) => resolve(err.message));
      req.on('response', (res) => resolve(`status ${res.statusCode}`));
      req.write('{"soul":"x');
    });
    await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    await relay.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await stuck).toMatch(/socket hang up|ECONNRESET|status/);
  });
});
