import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SealError } from './crypto-error.js';
import { open, seal } from './seal.js';

const key = randomBytes(32);
const document = { _id: 'did:gun:abc:1', _source: { data: { basic: { name: 'secret' } } } };

function sealError(fn: () => unknown): SealError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SealError);
    expect((err as SealError).code).toBe('SYNC_SEAL_INVALID');
    expect((err as SealError).retryable).toBe(false);
    return err as SealError;
  }
  throw new Error('expected a SealError');
}

describe('seal / open', () => {
  it('round-trips a document and never shows it in clear', () => {
    const sealed = seal(document, key, 'abc:1');
    expect(sealed).toMatch(/^s1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('secret');
    expect(open(sealed, key, 'abc:1')).toEqual(document);
  });

  it('uses a fresh IV every time', () => {
    expect(seal(document, key)).not.toBe(seal(document, key));
  });

  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, context) => {
        expect(open(seal(value, key, context), key, context)).toEqual(
          JSON.parse(JSON.stringify(value)),
        );
      }),
    );
  });

  it('refuses another key, another context and altered payloads', () => {
    const sealed = seal(document, key, 'abc:1');
    sealError(() => open(sealed, randomBytes(32), 'abc:1'));
    sealError(() => open(sealed, key, 'abc:2'));
    const parts = sealed.split('.');
    const last = parts[3]!;
    const flipped = (last[0] === 'A' ? 'B' : 'A') + last.slice(1);
    sealError(() => open([...parts.slice(0, 3), flipped].join('.'), key, 'abc:1'));
  });

  it.each([
    ['not sealed'],
    ['s1.a.b'],
    ['s2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA'],
    ['s1.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AA'],
    ['s1.A+A.B.C'],
    [''],
  ])('refuses %j', (sealed) => {
    expect(sealError(() => open(sealed, key)).message).toBe('not a sealed payload');
  });

  it('refuses keys that are not 32 bytes', () => {
    sealError(() => seal(document, randomBytes(16)));
    sealError(() => open('s1.a.b.c', Buffer.alloc(0)));
  });

  it('refuses values JSON cannot carry', () => {
    sealError(() => seal(undefined, key));
  });
});
