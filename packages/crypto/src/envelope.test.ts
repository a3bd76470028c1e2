import { describe, expect, it } from 'vitest';
import { isEncryptedPayload, parseEnvelope } from './envelope.js';

const envelope = { encrypted: 'AAAA', iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' };

describe(isEncryptedPayload.name, () => {
  it.each([
    ['meta.encrypted true', { basic: {} }, { encrypted: true }, true],
    ['the envelope shape without meta', envelope, undefined, true],
    ['the tagless scrypt-era shape', { encrypted: 'ab', iv: 'cd' }, {}, true],
    ['plain data', { basic: { name: 'x' } }, { encrypted: false }, false],
    [
      'plain data with an extra key next to the envelope keys',
      { ...envelope, basic: {} },
      null,
      false,
    ],
    ['a string', 'x', 'meta', false],
    ['an empty object', {}, [], false],
    ['meta.encrypted as a string', { basic: {} }, { encrypted: 'true' }, false],
  ])('%s → %s', (_name, data, meta, expected) => {
    expect(isEncryptedPayload(data, meta)).toBe(expected);
  });
});

describe(parseEnvelope.name, () => {
  it('decodes the three parts', () => {
    const parsed = parseEnvelope(envelope);
    expect(
      parsed.ok && [
        parsed.envelope.ciphertext.length,
        parsed.envelope.iv.length,
        parsed.envelope.tag.length,
      ],
    ).toEqual([3, 12, 16]);
  });

  it.each([
    [null, 'data is object, not an envelope'],
    [['x'], 'data is an array, not an envelope'],
    [{ ...envelope, encrypted: '' }, 'encrypted is not base64'],
    [{ ...envelope, iv: 'AAAA' }, 'iv has 3 bytes'],
    [{ ...envelope, tag: undefined }, 'tag is missing'],
    [{ ...envelope, tag: 'AAAA AAAA' }, 'tag is not base64'],
  ])('%j → %s', (data, detail) => {
    expect(parseEnvelope(data)).toEqual({ ok: false, detail });
  });
});
