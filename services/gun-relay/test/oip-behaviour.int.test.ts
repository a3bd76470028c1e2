/**
 * OIP-behaviour mode: a missing soul is answered 404 only after the configured wait (OIP's relay:
 * 3 s, spec §1.3), links stay links even with `?resolve=1` (spec §4), found souls are not held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRelayConfig } from '../src/config.js';
import { call, startTestRelay, type TestRelay } from './support.js';

const notFoundWaitMs = 600;

describe('relay in OIP-behaviour mode', () => {
  let relay: TestRelay;

  beforeAll(async () => {
    relay = await startTestRelay({
      behaviour: { notFoundWaitMs, resolveLinks: false },
    });
    const put = await call('POST', `${relay.url}/put`, {
      soul: 'oip:registry:index:post',
      data: { 'aa11:post-1': { soul: 'aa11:post-1', nodeId: 'node-a', timestamp: 1 } },
    });
    expect(put.status).toBe(200);
  });
  afterAll(() => relay.close());

  it('answers a missing soul with 404 only after the not-found wait', async () => {
    const answer = await call('GET', `${relay.url}/get?soul=nobody:has-this`);
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: 'Not found' });
    expect(answer.ms).toBeGreaterThanOrEqual(notFoundWaitMs - 5);
  });

  it('returns index entries as unresolved links, also when asked to resolve them', async () => {
    const answer = await call('GET', `${relay.url}/get?soul=oip:registry:index:post&resolve=1`);
    expect(answer.body).toEqual({
      success: true,
      data: { 'aa11:post-1': { '#': 'oip:registry:index:post/aa11:post-1' } },
    });
  });

  it('is configured from GUN_RELAY_NOT_FOUND_WAIT_MS and GUN_RELAY_RESOLVE_LINKS, fast by default', () => {
    expect(loadRelayConfig({}).behaviour).toEqual({ notFoundWaitMs: 0, resolveLinks: true });
    expect(
      loadRelayConfig({ GUN_RELAY_NOT_FOUND_WAIT_MS: '3000', GUN_RELAY_RESOLVE_LINKS: 'false' })
        .behaviour,
    ).toEqual({ notFoundWaitMs: 3000, resolveLinks: false });
    expect(() => loadRelayConfig({ GUN_RELAY_NOT_FOUND_WAIT_MS: '-1' })).toThrow(
      /GUN_RELAY_NOT_FOUND_WAIT_MS/,
    );
  });
});
