import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../errors.js';
import { found, notFound, readError } from '../read-result.js';
import type { GunNode, ReadResult } from '../types.js';
import type { HttpPeer } from './http-peer.js';
import { createHttpSource } from './http-source.js';

/** A peer answering `/get` from a script of answers (the last one repeats). */
function scriptedPeer(
  answers: ReadResult<GunNode>[],
  baseUrl = 'http://peer',
): HttpPeer & { gets: number } {
  const peer = {
    baseUrl,
    gets: 0,
    async getNode() {
      const answer = answers[Math.min(peer.gets, answers.length - 1)] as ReadResult<GunNode>;
      peer.gets += 1;
      return answer;
    },
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

  it('takes a record from the first peer that has it', async () => {
    const second = scriptedPeer([found({ data: 'x', oip: 'y' })]);
    const source = createHttpSource([
      scriptedPeer([notFound()]),
      second,
      scriptedPeer([found({ data: 'other', oip: 'z' })]),
    ]);
    expect(await source.readNode('s', { complete: () => true })).toEqual(
      found({ data: 'x', oip: 'y' }),
    );
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
