import { ConfigError, cryptoVars, loadEnv } from '@sync/config';
import { describe, expect, it } from 'vitest';
import { makeDecrypt } from './decrypt.js';
import { DerivedKeys } from './derived-keys.js';
import { buildKeyring } from './keyring.js';
import { loadVector } from './testing.js';

interface CryptoCase {
  mode: string;
  meta: Record<string, string>;
  envelope: Record<string, string>;
  keyMaterial: { userSaltHex?: string; ownerPrivateKey?: string; orgPublicKey?: string };
}

const { cases } = loadVector<{ cases: CryptoCase[] }>('crypto');
const perUser = cases.find((c) => c.mode === 'per-user')!;
const organization = cases.find((c) => c.mode === 'organization')!;

describe('keyring from the crypto configuration group', () => {
  it('has OIP defaults when nothing is set', () => {
    const env = loadEnv(cryptoVars, {});
    expect(env).toMatchObject({
      GUN_LEGACY_KEY_PASSWORD: 'gun-encryption-key',
      GUN_LEGACY_KEY_SALT: 'salt',
      GUN_SYNC_VERIFY_SIGNATURES: 'warn',
      GUN_MAX_RECORD_BYTES: 5_242_880,
    });
    expect(
      buildKeyring({
        legacyPassword: env.GUN_LEGACY_KEY_PASSWORD,
        legacySalt: env.GUN_LEGACY_KEY_SALT,
      }).shared,
    ).toHaveLength(1);
  });

  it('decrypts the per-user and organization vectors with keys given as environment variables (or _FILE)', async () => {
    const files: Record<string, string> = {
      '/run/secrets/org': `${organization.meta.encryptedForOrganization}=${organization.keyMaterial.ownerPrivateKey}:${organization.keyMaterial.orgPublicKey}\n`,
    };
    const env = loadEnv(
      cryptoVars,
      {
        GUN_USER_SALTS: `${perUser.meta.encryptedBy}:${perUser.keyMaterial.userSaltHex}`,
        GUN_ORGANIZATION_KEYS_FILE: '/run/secrets/org',
      },
      { readFile: (path) => files[path] ?? '' },
    );
    const keyring = buildKeyring({
      legacyPassword: env.GUN_LEGACY_KEY_PASSWORD,
      legacySalt: env.GUN_LEGACY_KEY_SALT,
      nodeKey: env.GUN_NODE_ENCRYPTION_KEY,
      sharedKeys: env.GUN_SHARED_KEYS,
      userSalts: env.GUN_USER_SALTS,
      organizationKeys: env.GUN_ORGANIZATION_KEYS,
    });
    const decrypt = makeDecrypt({
      keyring,
      keys: new DerivedKeys({ maxEntries: env.GUN_DECRYPT_KEY_CACHE_SIZE }),
      policy: { privateRecords: true, foreignRecords: env.GUN_DECRYPT_FOREIGN_RECORDS },
    });
    for (const c of [perUser, organization]) {
      expect(await decrypt({ data: c.envelope, meta: c.meta, foreign: true })).toMatchObject({
        ok: true,
        mode: c.mode,
      });
    }
  });

  it('refuses malformed key lists at start-up without printing them', () => {
    try {
      loadEnv(cryptoVars, {
        GUN_USER_SALTS: 'secret-not-hex',
        GUN_ORGANIZATION_KEYS: 'did:arweave:x=zz-secret',
        GUN_SYNC_VERIFY_SIGNATURES: 'maybe',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const lines = (err as ConfigError).lines;
      expect(lines).toHaveLength(3);
      expect(lines.join('\n')).not.toContain('secret');
    }
  });
});
