/**
 * The sqlite store under a real relay: GUN's graph kept within a tiny budget while every
 * record is still served complete (from the store), older writes arriving after their node
 * left memory lose to what the store holds (HAM), and two pruned relays still peer.
 */
import { createClientGun, closeGun, gunState, type GunInstance } from '@sync/gun-client/gun';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startRelayPair, startTestRelay, waitFor, type TestRelay } from './support.js';

const records = 40;
const recordOf = (i: number) => ({
  data: JSON.stringify({ basic: { name: `record ${i}` } }),
  oip: JSON.stringify({ recordType: 'post', did: `did:gun:cc33:r-${i}` }),
  meta: { created: i, localId: `r-${i}`, deep: { level: 2, tag: `t${i}` } },
});

describe('sqlite store with a pruned graph', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ store: 'sqlite', graphMaxBytes: 1 });
  });
  afterAll(() => relay.close());

  it('keeps the graph within its budget and serves every record complete from the store', async () => {
    for (let i = 0; i < records; i += 1) {
      const put = await call('POST', `${relay.url}/put`, {
        soul: `cc33:r-${i}`,
        data: recordOf(i),
      });
      expect(put.status).toBe(200);
    }
    // A one-byte budget keeps no node in memory after a commit.
    expect(relay.stats().graphNodes).toBe(0);
    // Every put was committed (no more transactions than puts' fields), and /metrics says so.
    const store = relay.stats().store;
    expect(store?.commits).toBeGreaterThanOrEqual(records);
    expect(store?.committedFields).toBeGreaterThanOrEqual(store?.commits ?? Infinity);
    expect(store?.commitSeconds).toBeGreaterThan(0);
    expect(store?.maxCommitSeconds).toBeLessThanOrEqual(store?.commitSeconds ?? 0);
    const metrics = String((await call('GET', `${relay.url}/metrics`)).body);
    expect(metrics).toMatch(new RegExp(`^sync_relay_store_commits ${store?.commits}$`, 'm'));
    for (let i = 0; i < records; i += 1) {
      const answer = await call('GET', `${relay.url}/get?soul=cc33:r-${i}&resolve=1`);
      expect(answer.body).toEqual({
        success: true,
        data: {
          data: { basic: { name: `record ${i}` } },
          oip: { recordType: 'post', did: `did:gun:cc33:r-${i}` },
          meta: { created: i, localId: `r-${i}`, deep: { level: 2, tag: `t${i}` } },
        },
      });
    }
    const list = await call('GET', `${relay.url}/list?publisherHash=cc33&limit=500`);
    expect((list.body as { records: unknown[] }).records).toHaveLength(records);
  });

  it('keeps the newer value when an older write arrives after its node left memory', async () => {
    const soul = 'cc33:ham';
    expect((await call('POST', `${relay.url}/put`, { soul, data: { v: 'new' } })).status).toBe(200);
    expect(relay.stats().graphNodes).toBe(0);
    const client: GunInstance = createClientGun({ peers: [`${relay.url}/gun`] });
    try {
      const acked = new Promise<unknown>((resolve) => {
        const id = `old-${Date.now()}`;
        client._.on(id, function (ack: unknown) {
          resolve(ack);
        });
        client._.on('out', {
          '#': id,
          put: { [soul]: { _: { '#': soul, '>': { v: gunState() - 60_000 } }, v: 'old' } },
        });
      });
      await acked;
    } finally {
      await closeGun(client);
    }
    expect((await call('GET', `${relay.url}/get?soul=${soul}`)).body).toEqual({
      success: true,
      data: { v: 'new' },
    });
  });
});

describe('two sqlite relays with pruned graphs', () => {
  let pair: Awaited<ReturnType<typeof startRelayPair>>;
  beforeAll(async () => {
    pair = await startRelayPair({ store: 'sqlite', graphMaxBytes: 1 });
  });
  afterAll(() => pair.close());

  it('serves on B what was written on A, from its own store once A is gone', async () => {
    const soul = 'dd44:peered';
    expect((await call('POST', `${pair.a.url}/put`, { soul, data: recordOf(1) })).status).toBe(200);
    const read = await waitFor(
      async () => {
        const answer = await call('GET', `${pair.b.url}/get?soul=${soul}&resolve=1`);
        return answer.status === 200 ? answer.body : undefined;
      },
      10_000,
      'B to serve the record',
    );
    expect(read).toMatchObject({ data: { meta: { localId: 'r-1', deep: { tag: 't1' } } } });
    // B stored what it heard from A: it serves it alone once A is gone.
    await pair.a.close();
    const answer = await call('GET', `${pair.b.url}/get?soul=${soul}&resolve=1`);
    expect(answer.body).toMatchObject({
      data: { meta: { localId: 'r-1', deep: { tag: 't1' } } },
    });
  });
});
