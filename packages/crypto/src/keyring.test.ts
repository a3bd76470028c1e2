import { describe, expect, it } from 'vitest';
import { KeyringError } from './crypto-error.js';
import {
  buildKeyring,
  perUserFallbackMaterial,
  perUserMaterial,
  organizationMaterial,
} from './keyring.js';

const legacy = { legacyPassword: 'gun-encryption-key', legacySalt: 'salt' };
const user = '02' + 'ab'.repeat(32);

describe(buildKeyring.name, () => {
  it('starts with the legacy key and adds the node key and shared keys in order', () => {
    const ring = buildKeyring({
      ...legacy,
      nodeKey: 'node, with comma',
      sharedKeys: ' one ,, two ',
    });
    expect(ring.shared).toEqual([
      { id: 'legacy', password: 'gun-encryption-key', salt: 'salt' },
      { id: 'node', password: 'node, with comma', salt: 'salt' },
      { id: 'shared-1', password: 'one', salt: 'salt' },
      { id: 'shared-2', password: 'two', salt: 'salt' },
    ]);
  });

  it('groups user salts by lower-case public key, in the given order', () => {
    const ring = buildKeyring({
      ...legacy,
      userSalts: `${user.toUpperCase()}:AA11,${user}:bb22, 03ff:cc`,
    });
    expect(ring.userSalts.get(user)).toEqual(['aa11', 'bb22']);
    expect(ring.userSalts.get('03ff')).toEqual(['cc']);
  });

  it('groups organization keys by DID (DIDs contain colons)', () => {
    const ring = buildKeyring({
      ...legacy,
      organizationKeys: ['did:arweave:org-1=aa:0b', 'did:arweave:org-1=cc:0d'],
    });
    expect(ring.organizations.get('did:arweave:org-1')).toEqual([
      { ownerPrivateKey: 'aa', orgPublicKey: '0b' },
      { ownerPrivateKey: 'cc', orgPublicKey: '0d' },
    ]);
  });

  it('is empty beyond the legacy key when nothing else is configured', () => {
    const ring = buildKeyring(legacy);
    expect(ring.shared).toHaveLength(1);
    expect(ring.userSalts.size).toBe(0);
    expect(ring.organizations.size).toBe(0);
  });

  it.each([
    [{ userSalts: 'nocolon' }, /GUN_USER_SALTS entry 1 /],
    [{ userSalts: `${user}:aa,${user}:zz-secret` }, /GUN_USER_SALTS entry 2 /],
    [{ userSalts: `${user}:aa:bb` }, /GUN_USER_SALTS entry 1 /],
    [{ organizationKeys: 'did:arweave:x=aa' }, /GUN_ORGANIZATION_KEYS entry 1 /],
    [{ organizationKeys: 'notadid=aa:bb' }, /GUN_ORGANIZATION_KEYS entry 1 /],
    [{ organizationKeys: '=aa:bb' }, /GUN_ORGANIZATION_KEYS entry 1 /],
    [{ organizationKeys: 'did:arweave:x=secret-value:bb' }, /GUN_ORGANIZATION_KEYS entry 1 /],
    [{ legacyPassword: '' }, /must not be empty/],
  ])('rejects %j without echoing the value', (patch, message) => {
    let error: unknown;
    try {
      buildKeyring({ ...legacy, ...patch });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KeyringError);
    expect((error as KeyringError).message).toMatch(message);
    expect((error as KeyringError).message).not.toMatch(/secret|zz/);
    expect((error as KeyringError).code).toBe('SYNC_KEYRING_INVALID');
  });
});

describe('key material as OIP derives it', () => {
  it('matches the crypto.json passwords and salts', () => {
    expect(perUserMaterial(user, 'a5')).toEqual({
      password: `${user}:a5`,
      salt: 'oip-gun-encryption',
    });
    expect(perUserFallbackMaterial(user)).toEqual({ password: user, salt: 'oip-gun-fallback' });
    expect(organizationMaterial({ ownerPrivateKey: 'aa', orgPublicKey: '03bb' })).toEqual({
      password: 'aa03bb',
      salt: 'oip-organization-owner-encryption',
    });
  });
});
