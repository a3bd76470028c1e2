import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../errors.js';
import { toIndexListing } from '../index-listing.js';
import { found, mapFound, notFound, readError } from '../read-result.js';
import type { GunNode, ReadResult } from '../types.js';
import type { HttpPeer } from './http-peer.js';
import { createHttpSource } from './http-source.js';

/** A peer answering `/get` from a script of answers (the last one repeats). */
function scriptedPeer(
  answers: ReadResult<GunNode>[],
  baseUrl = 'http://peer',
): HttpPeer & { gets: number } {
  const next = () => {
    const answer = answers[Math.min(peer.gets, answers.length - 1)] as ReadResult<GunNode>;
    peer.gets += 1;
    return answer;
  };
  const peer = {
    baseUrl,
    gets: 0,
    getNode: async () => next(),
    getIndex: async (soul: string) => mapFound(next(), (node) => toIndexListing(soul, node)),
    async putNode() {},
    close() {},
  };
  return peer;
}

describe(createHttpSource.name, () => {
  it('reads an index again while the answer keeps growing (OIP answers from its first callback)', async () => {
    const peer = scriptedPeer([
      found({ a: 1 }),
      found({ a: 1, b: 2, c: 3 }),
      found({ a: 1, b: 2, c: 3 }),
    ]);
    expect(await createHttpSource([peer]).readNode('idx')).toEqual(found({ a: 1, b: 2, c: 3 }));
    expect(peer.gets).toBe(3);
  });

  it('reads an index listing again while it grows, over every peer', async () => {
    const soul = 'idx';
    const link = (key: string) => ({ '#': `idx/${key}` });
    const growing = scriptedPeer([
      found({ a: link('a') }),
      found({ a: link('a'), b: link('b') }),
      found({ a: link('a'), b: link('b') }),
    ]);
    const other = scriptedPeer([found({ c: link('c') })], 'http://other');
    const counts: number[] = [];
    const read = await createHttpSource([growing, other]).readIndex?.(soul, {
      onRequests: (n) => counts.push(n),
    });
    if (read?.status !== 'found') throw new Error('not found');
    expect(read.value.keys).toEqual(['a', 'b', 'c']);
    expect(growing.gets).toBe(3);
    expect(other.gets).toBe(2);
    expect(counts).toEqual([3]);
  });

  it("reports the requests its busiest peer was sent (for the poller's per-peer limit)", async () => {
    const growing = scriptedPeer([found({ a: 1 }), found({ a: 1, b: 2 }), found({ a: 1, b: 2 })]);
    const settled = scriptedPeer([found({ a: 1 })], 'http://other');
    const counts: number[] = [];
    await createHttpSource([growing, settled]).readNode('idx', {
      onRequests: (n) => counts.push(n),
    });
    expect(counts).toEqual([3]);
  });

  it('reads a record part once when it is whole, again when it is not', async () => {
    const whole = scriptedPeer([found({ data: 'x', oip: 'y' })]);
    await createHttpSource([whole]).readNode('s', { complete: (n) => 'oip' in n });
    expect(whole.gets).toBe(1);
    const partial = scriptedPeer([found({ data: 'x' }), found({ data: 'x', oip: 'y' })]);
    expect(
      await createHttpSource([partial]).readNode('s', { complete: (n) => 'oip' in n }),
    ).toEqual(found({ data: 'x', oip: 'y' }));
  });

  it('merges an index over every peer', async () => {
    const source = createHttpSource([
      scriptedPeer([found({ a: 1 })]),
      scriptedPeer([notFound()]),
      scriptedPeer([found({ b: 2 })]),
    ]);
    expect(await source.readNode('idx')).toEqual(found({ a: 1, b: 2 }));
  });

  it('takes the newest whole answer from every peer, not the first peer that has one', async () => {
    const stale = scriptedPeer([found({ soul: 's', nodeId: 'a', timestamp: 1 })]);
    const newer = scriptedPeer([found({ soul: 's', nodeId: 'a', timestamp: 2 })]);
    const whole = { complete: (n: GunNode) => 'timestamp' in n };
    for (const peers of [
      [scriptedPeer([notFound()]), stale, newer],
      [newer, stale],
    ])
      expect(await createHttpSource(peers).readNode('s', whole)).toEqual(
        found({ soul: 's', nodeId: 'a', timestamp: 2 }),
      );
    expect(stale.gets).toBe(2);
  });

  it('prefers a whole answer to a newer part, and any answer to a peer that failed', async () => {
    const error = new UpstreamError('SYNC_GUN_TIMEOUT', 'slow');
    const source = createHttpSource([
      scriptedPeer([readError(error)]),
      scriptedPeer([found({ data: 'x', oip: '{"indexedAt":"2026-01-01T00:00:00Z"}' })]),
      scriptedPeer([found({ oip: '{"indexedAt":"2026-02-01T00:00:00Z"}' })]),
    ]);
    expect(await source.readNode('s', { complete: (n) => 'data' in n && 'oip' in n })).toEqual(
      found({ data: 'x', oip: '{"indexedAt":"2026-01-01T00:00:00Z"}' }),
    );
  });

  it('merges answers without a version field by field, whatever the order of the peers', async () => {
    const a = () => scriptedPeer([found({ iv: 'a', tag: 'b' })]);
    const b = () => scriptedPeer([found({ iv: 'c', tag: 'a', extra: 1 })]);
    const complete = () => true;
    const expected = found({ iv: 'c', tag: 'b', extra: 1 });
    expect(await createHttpSource([a(), b()]).readNode('s', { complete })).toEqual(expected);
    expect(await createHttpSource([b(), a()]).readNode('s', { complete })).toEqual(expected);
  });

  it('keeps the newer value of an index field several peers hold', async () => {
    const entry = (nodeId: string, timestamp: number) =>
      JSON.stringify({ soul: 'p', nodeId, timestamp });
    const stale = () => scriptedPeer([found({ p: entry('z-node', 1), q: entry('a', 1) })]);
    const newer = () => scriptedPeer([found({ p: entry('a-node', 2) })]);
    const expected = found({ p: entry('a-node', 2), q: entry('a', 1) });
    expect(await createHttpSource([stale(), newer()]).readNode('idx')).toEqual(expected);
    expect(await createHttpSource([newer(), stale()]).readNode('idx')).toEqual(expected);
  });

  it('is not-found only when every peer says so, an error when one failed', async () => {
    const error = new UpstreamError('SYNC_GUN_TIMEOUT', 'slow');
    expect(
      await createHttpSource([scriptedPeer([notFound()]), scriptedPeer([notFound()])]).readNode(
        's',
      ),
    ).toEqual(notFound());
    expect(
      await createHttpSource([
        scriptedPeer([notFound()]),
        scriptedPeer([readError(error)]),
      ]).readNode('s'),
    ).toEqual(readError(error));
  });

  it('tells the observer of every answer with the relay that gave it', async () => {
    const error = new UpstreamError('SYNC_GUN_UNAVAILABLE', 'refused', { retryable: true });
    const down = scriptedPeer([readError(error)], 'http://a:1');
    const up = scriptedPeer([found({ data: 'x', oip: 'y' })], 'http://b:2');
    const seen: string[] = [];
    const source = createHttpSource([down, up], (peer, result) => seen.push(`${peer} ${result}`));
    await source.readNode('s', { complete: (n) => 'oip' in n });
    expect(seen).toEqual(['http://a:1 error', 'http://b:2 found']);
  });
});
