import { describe, expect, it } from 'vitest';
import { toGetResult, toRawNode } from './http-peer.js';

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

  it('is a permanent error for a node that is not an object', () => {
    const result = toGetResult({ status: 200, body: { success: true, data: [1] } }, peer);
    expect(result.status === 'error' && result.error.code).toBe('SYNC_GUN_BAD_RESPONSE');
  });
});
