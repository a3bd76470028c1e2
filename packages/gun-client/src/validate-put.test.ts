import { describe, expect, it } from 'vitest';
import { findPutProblem, findSoulProblem } from './validate-put.js';

describe(findPutProblem.name, () => {
  it('accepts flat nodes, links and nested non-empty objects', () => {
    expect(findPutProblem({ a: 1, b: 'x', c: true, d: null, e: { '#': 'soul/e' } })).toBeNull();
    expect(
      findPutProblem({ data: '{}', meta: { created: 1, localId: null, encrypted: false } }),
    ).toBeNull();
  });

  it.each([
    ['null at the root', null, /root/],
    ['a string at the root', 'x', /root/],
    ['an empty root', {}, /empty objects/],
    ['an empty object inside', { a: 1, b: {} }, /empty objects .*b/],
    ['an array at the root', [1], /arrays/],
    ['an array inside', { a: { b: [1, 2] } }, /arrays .*a\.b/],
    ['a link at the root', { '#': 'x' }, /link/],
    ['a link with more keys', { a: { '#': 'x', b: 1 } }, /link/],
    ['GUN metadata', { _: { '#': 'x' }, a: 1 }, /reserved/],
    ['an infinite number', { a: Number.POSITIVE_INFINITY }, /finite/],
  ])('refuses %s', (_name, data, reason) => {
    expect(findPutProblem(data)).toMatch(reason);
  });
});

describe(findSoulProblem.name, () => {
  it('accepts OIP souls, colons and slashes included', () => {
    expect(findSoulProblem('82d1ad726425:workout:2026:11:01')).toBeNull();
    expect(findSoulProblem('oip:registry:index:post/82d1ad726425:post-001')).toBeNull();
  });

  it('refuses empty, non-string and control-character souls', () => {
    expect(findSoulProblem('')).not.toBeNull();
    expect(findSoulProblem(42)).not.toBeNull();
    expect(findSoulProblem('a\u001bb')).not.toBeNull();
  });
});
