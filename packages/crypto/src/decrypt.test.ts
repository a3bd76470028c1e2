import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDecrypt, unwrapPlaintext, type DecryptPolicy, type DecryptResult } from './decrypt.js';
import { DerivedKeys } from './derived-keys.js';
import { buildKeyring, ORGANIZATION_SALT, type KeyringSettings } from './keyring.js';
import { encryptLikeOip, loadVector } from './testing.js';

interface CryptoCase {
  name: string;
  mode: string;
  meta: Record<string, unknown>;
  envelope: Record<string, string>;
  keyMaterial?: {
    password: string;
    salt: string;
    userSaltHex?: string;
    ownerPrivateKey?: string;
    orgPublicKey?: string;
  };
  expectedStoredData?: unknown;
  expectedError?: string;
  expectedErrorWithoutSalt?: string;
  expectedErrorWithoutKey?: string;
}

const { cases } = loadVector<{ cases: CryptoCase[] }>('crypto');
const hexKey = '02' + 'ab'.repeat(32);
const legacy = { legacyPassword: 'gun-encryption-key', legacySalt: 'salt' };
const open: DecryptPolicy = { privateRecords: true, foreignRecords: true };

function decryptWith(
  settings: Partial<KeyringSettings> = {},
  policy: DecryptPolicy = open,
  keys = new DerivedKeys({ maxEntries: 100 }),
) {
  return makeDecrypt({ keyring: buildKeyring({ ...legacy, ...settings }), keys, policy });
}

/** The keyring a node needs for a vector case: user salt or organization owner key when the mode asks. */
function settingsFor(c: CryptoCase): Partial<KeyringSettings> {
  const km = c.keyMaterial;
  if (c.mode === 'per-user' && km?.userSaltHex)
    return { userSalts: `${String(c.meta.encryptedBy)}:${km.userSaltHex}` };
  if (c.mode === 'organization' && km?.ownerPrivateKey && km.orgPublicKey) {
    return {
      organizationKeys: `${String(c.meta.encryptedForOrganization)}=${km.ownerPrivateKey}:${km.orgPublicKey}`,
    };
  }
  return {};
}

function storedData(result: DecryptResult): unknown {
  if (!result.ok) throw new Error(`expected success, got ${result.reason}: ${result.detail}`);
  return JSON.parse(result.dataString);
}

describe('makeDecrypt with the golden vectors (crypto.json)', () => {
  const decryptable = cases.filter((c) => c.expectedStoredData !== undefined);
  const failing = cases.filter((c) => c.expectedError !== undefined);

  it.each(decryptable.map((c) => [c.name, c] as const))(
    '%s: decrypts to the stored data object',
    async (_name, c) => {
      const result = await decryptWith(settingsFor(c))({
        data: c.envelope,
        meta: c.meta,
        foreign: true,
      });
      expect(storedData(result)).toEqual(c.expectedStoredData);
      expect(result).toMatchObject({ ok: true, mode: c.mode });
    },
  );

  it.each(failing.map((c) => [c.name, c] as const))('%s: reports its reason', async (_name, c) => {
    const result = await decryptWith(settingsFor(c))({
      data: c.envelope,
      meta: c.meta,
      foreign: true,
    });
    expect(result).toMatchObject({ ok: false, reason: c.expectedError });
  });

  const withoutKey = cases.filter((c) => c.expectedErrorWithoutSalt ?? c.expectedErrorWithoutKey);
  it.each(withoutKey.map((c) => [c.name, c] as const))(
    '%s: a node without the key reports it instead of failing',
    async (_name, c) => {
      const result = await decryptWith()({ data: c.envelope, meta: c.meta, foreign: true });
      expect(result).toMatchObject({
        ok: false,
        reason: c.expectedErrorWithoutSalt ?? c.expectedErrorWithoutKey,
      });
    },
  );

  it('covers every mode the vectors name', () => {
    expect(new Set(cases.map((c) => c.mode))).toEqual(
      new Set(['legacy-shared', 'per-user-fallback', 'per-user', 'organization', 'scrypt-no-tag']),
    );
    expect(decryptable.length + failing.length).toBe(cases.length);
  });
});

describe('makeDecrypt policies', () => {
  const legacyCase = cases.find((c) => c.mode === 'legacy-shared' && c.expectedStoredData)!;

  it('skips every private record when GUN_SYNC_PRIVATE_RECORDS=false', async () => {
    const decrypt = decryptWith({}, { privateRecords: false, foreignRecords: true });
    expect(
      await decrypt({ data: legacyCase.envelope, meta: legacyCase.meta, foreign: false }),
    ).toMatchObject({ ok: false, reason: 'private-sync-disabled' });
  });

  it('skips foreign records only when GUN_DECRYPT_FOREIGN_RECORDS=false', async () => {
    const decrypt = decryptWith({}, { privateRecords: true, foreignRecords: false });
    expect(
      await decrypt({ data: legacyCase.envelope, meta: legacyCase.meta, foreign: true }),
    ).toMatchObject({ ok: false, reason: 'foreign-decrypt-disabled' });
    expect(
      await decrypt({ data: legacyCase.envelope, meta: legacyCase.meta, foreign: false }),
    ).toMatchObject({ ok: true, keyId: 'legacy' });
  });

  it('uses a configured legacy password and salt instead of OIP defaults', async () => {
    const envelope = encryptLikeOip('{"a":1}', { password: 'p', salt: 's' });
    expect(
      await decryptWith({ legacyPassword: 'p', legacySalt: 's' })({
        data: envelope,
        meta: undefined,
        foreign: true,
      }),
    ).toMatchObject({ ok: true, keyId: 'legacy', dataString: '{"a":1}' });
    expect(await decryptWith()({ data: envelope, meta: undefined, foreign: true })).toMatchObject({
      ok: false,
      reason: 'decrypt-failed',
    });
  });
});

describe('makeDecrypt keyring rotation', () => {
  it('finds the shared key that authenticates among several', async () => {
    const envelope = encryptLikeOip(JSON.stringify('{"x":"y"}'), {
      password: 'second',
      salt: 'salt',
    });
    const result = await decryptWith({ nodeKey: 'node-secret', sharedKeys: 'first, second' })({
      data: envelope,
      meta: { encrypted: true },
      foreign: true,
    });
    expect(result).toEqual({
      ok: true,
      dataString: '{"x":"y"}',
      mode: 'legacy-shared',
      keyId: 'shared-2',
    });
  });

  it('tries every salt of the named user, newest first', async () => {
    const user = '02' + 'ab'.repeat(32);
    const envelope = encryptLikeOip('{"n":2}', {
      password: `${user}:${'22'.repeat(32)}`,
      salt: 'oip-gun-encryption',
    });
    const meta = { encrypted: true, encryptionType: 'per-user', encryptedBy: user };
    const decrypt = decryptWith({
      userSalts: [`${user}:${'11'.repeat(32)}`, `${user.toUpperCase()}:${'22'.repeat(32)}`],
    });
    expect(await decrypt({ data: envelope, meta, foreign: true })).toMatchObject({
      ok: true,
      mode: 'per-user',
      keyId: 'user-salt-2',
    });
  });

  it('reports decrypt-failed when the named user has salts but none fits', async () => {
    const user = '03' + 'cd'.repeat(32);
    const envelope = encryptLikeOip('{}', { password: 'unrelated', salt: 'x' });
    const decrypt = decryptWith({ userSalts: `${user}:${'33'.repeat(32)}` });
    expect(
      await decrypt({ data: envelope, meta: { encryptedBy: user }, foreign: true }),
    ).toMatchObject({ ok: false, reason: 'decrypt-failed' });
  });

  it('reports needs-user-key for an encryptedBy that is not a hex public key, without deriving', async () => {
    const keys = new DerivedKeys({ maxEntries: 10 });
    const envelope = encryptLikeOip('{}', { password: 'not hex', salt: 'oip-gun-fallback' });
    const result = await decryptWith(
      {},
      open,
      keys,
    )({ data: envelope, meta: { encryptedBy: 'not hex' }, foreign: true });
    expect(result).toMatchObject({ ok: false, reason: 'needs-user-key' });
    expect(keys.derivations).toBe(0);
  });

  it('reports needs-user-key for a per-user envelope without encryptedBy', async () => {
    const envelope = encryptLikeOip('{}', { password: 'p', salt: 's' });
    expect(
      await decryptWith()({ data: envelope, meta: { encryptionType: 'per-user' }, foreign: true }),
    ).toMatchObject({ ok: false, reason: 'needs-user-key' });
  });

  it('tries other organizations’ keys after the named one (a rotated or re-announced DID)', async () => {
    const key = { ownerPrivateKey: 'aa'.repeat(32), orgPublicKey: '02' + 'bb'.repeat(32) };
    const envelope = encryptLikeOip('{"org":true}', {
      password: key.ownerPrivateKey + key.orgPublicKey,
      salt: ORGANIZATION_SALT,
    });
    const meta = {
      encrypted: true,
      encryptionType: 'organization',
      encryptedForOrganization: 'did:arweave:renamed',
    };
    const decrypt = decryptWith({
      organizationKeys: `did:arweave:old=${key.ownerPrivateKey}:${key.orgPublicKey}`,
    });
    expect(await decrypt({ data: envelope, meta, foreign: true })).toMatchObject({
      ok: true,
      mode: 'organization',
      dataString: '{"org":true}',
    });
  });

  it('reports decrypt-failed when the named organization key does not fit', async () => {
    const envelope = encryptLikeOip('{}', { password: 'p', salt: 's' });
    const meta = { encryptionType: 'organization', encryptedForOrganization: 'did:arweave:org' };
    const decrypt = decryptWith({
      organizationKeys: `did:arweave:org=${'aa'.repeat(32)}:${'bb'.repeat(33)}`,
    });
    expect(await decrypt({ data: envelope, meta, foreign: true })).toMatchObject({
      ok: false,
      reason: 'decrypt-failed',
    });
  });
});

describe('makeDecrypt envelopes it cannot use', () => {
  const envelope = encryptLikeOip('{}', { password: 'gun-encryption-key', salt: 'salt' });

  it.each([
    ['a SEA string (mode A)', 'SEA{"ct":"x"}', { encrypted: true, encryptionMethod: 'gun-sea' }],
    ['another method', envelope, { encrypted: true, encryptionMethod: 'aes-128-cbc' }],
    ['an unknown encryptionType', envelope, { encrypted: true, encryptionType: 'quantum' }],
    ['a tag of the wrong length', { ...envelope, tag: 'AAAA' }, { encrypted: true }],
    ['an IV that is not base64', { ...envelope, iv: '!!!!' }, { encrypted: true }],
    ['no ciphertext', { iv: envelope.iv, tag: envelope.tag }, { encrypted: true }],
    ['an array', [envelope], { encrypted: true }],
  ])('%s → unsupported-envelope', async (_name, data, meta) => {
    expect(await decryptWith()({ data, meta, foreign: true })).toMatchObject({
      ok: false,
      reason: 'unsupported-envelope',
    });
  });
});

describe('key caching', () => {
  it('derives each key once however many records use it', async () => {
    const keys = new DerivedKeys({ maxEntries: 10 });
    const decrypt = decryptWith({}, open, keys);
    const c = cases.find((x) => x.mode === 'legacy-shared' && x.expectedStoredData)!;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => decrypt({ data: c.envelope, meta: c.meta, foreign: true })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(keys.derivations).toBe(1);
    expect(keys.size).toBe(1);
  });
});

describe(unwrapPlaintext.name, () => {
  it.each([
    ['{"a":1}', '{"a":1}'],
    [JSON.stringify('{"a":1}'), '{"a":1}'],
    ['not json', 'not json'],
    ['[1]', '[1]'],
  ])('%s → %s', (input, expected) => expect(unwrapPlaintext(input)).toBe(expected));
});

describe('junk never escapes as an exception', () => {
  const reasons = [
    'decrypt-failed',
    'needs-user-key',
    'needs-organization-key',
    'unsupported-envelope',
  ];
  const keys = new DerivedKeys({ maxEntries: 50, iterations: 1 });
  const decrypt = makeDecrypt({
    keyring: buildKeyring({ ...legacy, userSalts: `${'ab'.repeat(33)}:${'cd'.repeat(32)}` }),
    keys,
    policy: open,
  });
  const base64ish = fc.oneof(
    fc.base64String(),
    fc.string(),
    fc.constant('AAAAAAAAAAAAAAAA'),
    fc.constant('!!'),
  );
  const envelopes = fc.oneof(
    fc.record({ encrypted: base64ish, iv: base64ish, tag: base64ish }, { requiredKeys: [] }),
    fc.jsonValue(),
    fc.anything(),
  );
  const metas = fc.oneof(
    fc.record(
      {
        encrypted: fc.oneof(fc.boolean(), fc.jsonValue()),
        encryptionMethod: fc.oneof(fc.constant('aes-256-gcm'), fc.jsonValue()),
        encryptionType: fc.oneof(
          fc.constantFrom('per-user', 'organization', '__proto__'),
          fc.jsonValue(),
        ),
        encryptedBy: fc.oneof(
          fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 70 }),
          fc.constant(hexKey),
          fc.jsonValue(),
        ),
        encryptedForOrganization: fc.oneof(fc.constant('did:arweave:x'), fc.jsonValue()),
      },
      { requiredKeys: [] },
    ),
    fc.anything(),
  );

  it('returns a typed reason for random envelopes and meta', async () => {
    await fc.assert(
      fc.asyncProperty(envelopes, metas, fc.boolean(), async (data, meta, foreign) => {
        const result = await decrypt({ data, meta, foreign });
        if (!result.ok) {
          expect(reasons).toContain(result.reason);
          expect(typeof result.detail).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });
});
