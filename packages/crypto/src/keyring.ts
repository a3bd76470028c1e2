/**
 * Every key this node may try on a private record, built once from configuration:
 * shared passwords (OIP's legacy key first), per-user salts and organization owner keys.
 * Several entries per user or organization allow rotation: GCM's tag tells which one fits.
 */
import { KeyringError } from './crypto-error.js';
import type { KeyMaterial } from './derived-keys.js';

/** OIP's legacy shared key: PBKDF2('gun-encryption-key', 'salt'). */
export const OIP_LEGACY_PASSWORD = 'gun-encryption-key';
export const OIP_LEGACY_SALT = 'salt';
/** PBKDF2 salts OIP uses for the other modes. */
export const PER_USER_SALT = 'oip-gun-encryption';
export const PER_USER_FALLBACK_SALT = 'oip-gun-fallback';
export const ORGANIZATION_SALT = 'oip-organization-owner-encryption';

export interface SharedKey extends KeyMaterial {
  /** Names the key in results and metrics; never the secret. */
  id: string;
}

export interface OrganizationKey {
  ownerPrivateKey: string;
  orgPublicKey: string;
}

export interface Keyring {
  /** Tried in order on records without `encryptionType`/`encryptedBy` (OIP's legacy mode). */
  shared: readonly SharedKey[];
  /** User public key (hex, as in `meta.encryptedBy`) → that user's salts (hex), newest first. */
  userSalts: ReadonlyMap<string, readonly string[]>;
  /** Organization DID (`meta.encryptedForOrganization`) → owner key pairs. */
  organizations: ReadonlyMap<string, readonly OrganizationKey[]>;
}

/** The configuration values, as `@sync/config` parses them (GUN_* variables of the crypto group). */
export interface KeyringSettings {
  /** GUN_LEGACY_KEY_PASSWORD */
  legacyPassword: string;
  /** GUN_LEGACY_KEY_SALT; also the salt of every other shared password. */
  legacySalt: string;
  /** GUN_NODE_ENCRYPTION_KEY: one more shared password (may contain any character). */
  nodeKey?: string | undefined;
  /** GUN_SHARED_KEYS: more shared passwords, comma-separated. */
  sharedKeys?: string | readonly string[] | undefined;
  /** GUN_USER_SALTS: `<user public key hex>:<salt hex>`, comma-separated. */
  userSalts?: string | readonly string[] | undefined;
  /** GUN_ORGANIZATION_KEYS: `<organization DID>=<owner private key hex>:<organization public key hex>`, comma-separated. */
  organizationKeys?: string | readonly string[] | undefined;
}

const hex = /^[0-9a-fA-F]+$/;
const did = /^did:[a-z0-9]+:\S+$/;

function items(value: string | readonly string[] | undefined): string[] {
  const list = typeof value === 'string' ? value.split(',') : [...(value ?? [])];
  return list.map((s) => s.trim()).filter((s) => s.length > 0);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * @throws KeyringError naming the setting and the entry number (never the value) when an
 * entry is malformed.
 */
export function buildKeyring(settings: KeyringSettings): Keyring {
  if (settings.legacyPassword.length === 0 || settings.legacySalt.length === 0) {
    throw new KeyringError('GUN_LEGACY_KEY_PASSWORD and GUN_LEGACY_KEY_SALT must not be empty');
  }
  const salt = settings.legacySalt;
  const shared: SharedKey[] = [{ id: 'legacy', password: settings.legacyPassword, salt }];
  if (settings.nodeKey) shared.push({ id: 'node', password: settings.nodeKey, salt });
  items(settings.sharedKeys).forEach((password, i) =>
    shared.push({ id: `shared-${i + 1}`, password, salt }),
  );

  const userSalts = new Map<string, string[]>();
  items(settings.userSalts).forEach((entry, i) => {
    const [user, userSalt, ...rest] = entry.split(':');
    if (!user || !userSalt || rest.length > 0 || !hex.test(user) || !hex.test(userSalt)) {
      throw new KeyringError(
        `GUN_USER_SALTS entry ${i + 1} is not <user public key hex>:<salt hex>`,
      );
    }
    push(userSalts, user.toLowerCase(), userSalt.toLowerCase());
  });

  const organizations = new Map<string, OrganizationKey[]>();
  items(settings.organizationKeys).forEach((entry, i) => {
    const eq = entry.lastIndexOf('=');
    const org = entry.slice(0, eq);
    const [ownerPrivateKey, orgPublicKey, ...rest] = entry.slice(eq + 1).split(':');
    if (
      eq <= 0 ||
      !did.test(org) ||
      !ownerPrivateKey ||
      !orgPublicKey ||
      rest.length > 0 ||
      !hex.test(ownerPrivateKey) ||
      !hex.test(orgPublicKey)
    ) {
      throw new KeyringError(
        `GUN_ORGANIZATION_KEYS entry ${i + 1} is not <organization DID>=<owner private key hex>:<organization public key hex>`,
      );
    }
    push(organizations, org, { ownerPrivateKey, orgPublicKey });
  });

  return { shared, userSalts, organizations };
}

/** OIP's per-user key material: PBKDF2(`<publicKey>:<saltHex>`, 'oip-gun-encryption'). */
export function perUserMaterial(userPublicKey: string, saltHex: string): KeyMaterial {
  return { password: `${userPublicKey}:${saltHex}`, salt: PER_USER_SALT };
}

/** OIP's per-user fallback: PBKDF2(publicKey, 'oip-gun-fallback'); anyone who knows the key can derive it. */
export function perUserFallbackMaterial(userPublicKey: string): KeyMaterial {
  return { password: userPublicKey, salt: PER_USER_FALLBACK_SALT };
}

/** OIP's organization key: PBKDF2(ownerPrivateKey + orgPublicKey, 'oip-organization-owner-encryption'). */
export function organizationMaterial(key: OrganizationKey): KeyMaterial {
  return { password: key.ownerPrivateKey + key.orgPublicKey, salt: ORGANIZATION_SALT };
}
