import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSignature, verifySignature } from './signature.js';
import { loadVector } from './testing.js';

interface SignatureVectors {
  publicKey: string;
  cases: { name: string; data: string; signature: string; valid: boolean }[];
}

const vectors = loadVector<SignatureVectors>('signatures');
const { publicKey } = vectors;
const valid = vectors.cases.find((c) => c.valid)!;
const invalid = vectors.cases.find((c) => !c.valid)!;

describe(`${verifySignature.name} with the golden vectors (signatures.json)`, () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await verifySignature({ data: c.data, signature: c.signature, publicKey })).toBe(
      c.valid,
    );
  });

  it.each([
    ['an empty signature', { signature: '' }],
    ['a signature that is not base64', { signature: '%%%not base64%%%' }],
    ['a public key that is not base64url', { publicKey: 'not a key!' }],
    ['a public key too short to be RSA', { publicKey: 'AQAB' }],
    ['a public key that is base64url but not a modulus', { publicKey: 'A'.repeat(100) }],
  ])('is false for %s', async (_name, patch) => {
    expect(
      await verifySignature({ data: valid.data, signature: valid.signature, publicKey, ...patch }),
    ).toBe(false);
  });

  it('never throws on junk', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.oneof(fc.string(), fc.base64String()),
        fc.oneof(fc.string(), fc.constant(publicKey)),
        async (data, signature, key) => {
          expect(typeof (await verifySignature({ data, signature, publicKey: key }))).toBe(
            'boolean',
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe(checkSignature.name, () => {
  const good = { data: valid.data, signature: valid.signature, publicKey };
  const bad = { data: invalid.data, signature: invalid.signature, publicKey };
  const unsigned = { data: valid.data, signature: undefined, publicKey };

  it.each([
    ['off', good, { outcome: 'not-checked', accepted: true }],
    ['off', bad, { outcome: 'not-checked', accepted: true }],
    ['warn', good, { outcome: 'valid', accepted: true }],
    ['warn', bad, { outcome: 'invalid', accepted: true }],
    ['warn', unsigned, { outcome: 'unsigned', accepted: true }],
    ['enforce', good, { outcome: 'valid', accepted: true }],
    ['enforce', bad, { outcome: 'invalid', accepted: false }],
    ['enforce', unsigned, { outcome: 'unsigned', accepted: false }],
  ] as const)('policy %s', async (policy, signed, expected) => {
    expect(await checkSignature(signed, policy)).toEqual(expected);
  });
});
