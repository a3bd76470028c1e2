/**
 * A large node that GUN's memory still holds, read through the sqlite relay's `GET /get`: GUN
 * streams it from memory 9 fields a turn while the store answers it whole in one message. The
 * read must end with the store's whole answer, not wait for memory's stream: before, a
 * 100,000-field type index (bench:relay-store, right after seeding) was still streaming from
 * memory at the relay's stream limit and came back 503 SYNC_GUN_PARTIAL. Here a 20,000-field
 * node and a stream limit of 300 ms make the same race.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestRelay, type TestRelay } from './support.js';

const fields = 20_000;
const soul = 'oip:registry:index:large';

describe('a large node held in memory, read from the sqlite relay', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ store: 'sqlite', getWaitMs: 250, streamLimitMs: 300 });
  });
  afterAll(() => relay.close());

  it('is answered whole from the store, whatever GUN memory still streams', async () => {
    const data = Object.fromEntries(
      Array.from({ length: fields }, (_, i) => [`cc33:record-${i}`, `registered-${i}`]),
    );
    expect((await call('POST', `${relay.url}/put`, { soul, data })).status).toBe(200);
    expect(relay.stats().graphNodes).toBeGreaterThan(0); // the node is in GUN's memory
    for (let read = 0; read < 3; read += 1) {
      const answer = await call('GET', `${relay.url}/get?soul=${encodeURIComponent(soul)}`);
      expect(answer.status, JSON.stringify(answer.body).slice(0, 200)).toBe(200);
      const served = (answer.body as { data: Record<string, unknown> }).data;
      expect(Object.keys(served)).toHaveLength(fields);
      expect(served['cc33:record-19999']).toBe('registered-19999');
    }
  });
});
