/**
 * Decrypts the `data` of a private OIP record with the configured keyring. Every outcome is a
 * value: the decrypted data string, or a reason the pipeline counts and skips on. Modes follow
 * OIP's `getRecord` dispatch: `encryptionType: organization` → organization keys;
 * `per-user` or `encryptedBy` → that user's salted keys, then the public fallback key;
 * anything else → the shared keys (OIP's legacy key first).
 */
import { openGcm } from './aes-gcm.js';
import type { DerivedKeys, KeyMaterial } from './derived-keys.js';
import { EnvelopeMeta, parseEnvelope, type Envelope } from './envelope.js';
import {
  organizationMaterial,
  perUserFallbackMaterial,
  perUserMaterial,
  type Keyring,
} from './keyring.js';

export type DecryptMode = 'legacy-shared' | 'per-user' | 'per-user-fallback' | 'organization';

export type DecryptFailureReason =
  | 'decrypt-failed'
  | 'needs-user-key'
  | 'needs-organization-key'
  | 'unsupported-envelope'
  | 'private-sync-disabled'
  | 'foreign-decrypt-disabled';

export type DecryptResult =
  | {
      ok: true;
      /** The stored data string (arrays still JSON strings), unwrapped once if double-encoded. */
      dataString: string;
      mode: DecryptMode;
      /** Which key fitted, e.g. `legacy`, `shared-2`, `user-salt-1`, `organization-1`; never secret. */
      keyId: string;
    }
  | { ok: false; reason: DecryptFailureReason; detail: string };

export interface DecryptPolicy {
  /** GUN_SYNC_PRIVATE_RECORDS */
  privateRecords: boolean;
  /** GUN_DECRYPT_FOREIGN_RECORDS */
  foreignRecords: boolean;
}

export interface DecryptDeps {
  keyring: Keyring;
  keys: DerivedKeys;
  policy: DecryptPolicy;
}

export interface EncryptedPayload {
  /** The record's resolved `data` (the envelope object). */
  data: unknown;
  /** The record's resolved `meta` node, if any. */
  meta: unknown;
  /** Published by another node (see GUN_DECRYPT_FOREIGN_RECORDS). */
  foreign: boolean;
}

export type Decrypt = (payload: EncryptedPayload) => Promise<DecryptResult>;

interface Candidate {
  id: string;
  mode: DecryptMode;
  material: KeyMaterial;
  /** A key the envelope names (its user or organization), as opposed to one merely tried. */
  named: boolean;
}

/** After GCM: JSON.parse once; a string result means the double-encoded format (since 2025-11-18). */
export function unwrapPlaintext(plaintext: string): string {
  try {
    const once: unknown = JSON.parse(plaintext);
    return typeof once === 'string' ? once : plaintext;
  } catch {
    return plaintext;
  }
}

/** Compressed (66) or uncompressed (130) hex secp256k1 public key, with some slack. */
const userPublicKey = /^[0-9a-fA-F]{32,160}$/;

type Plan =
  | { candidates: Candidate[]; missing: DecryptFailureReason }
  | { ok: false; reason: DecryptFailureReason; detail: string };

function plan(keyring: Keyring, meta: EnvelopeMeta): Plan {
  const { encryptionType: type, encryptedBy, encryptedForOrganization: orgDid } = meta;
  if (type === 'organization') {
    const named = (orgDid === undefined ? undefined : keyring.organizations.get(orgDid)) ?? [];
    const others = [...keyring.organizations]
      .filter(([did]) => did !== orgDid)
      .flatMap(([, keys]) => keys);
    const candidates = [
      ...named.map((k) => ({ k, named: true })),
      ...others.map((k) => ({ k, named: false })),
    ].map(({ k, named: isNamed }, i): Candidate => ({
      id: `organization-${i + 1}`,
      mode: 'organization',
      material: organizationMaterial(k),
      named: isNamed,
    }));
    return { candidates, missing: 'needs-organization-key' };
  }
  if (type === 'per-user' || encryptedBy !== undefined) {
    if (!encryptedBy)
      return {
        ok: false,
        reason: 'needs-user-key',
        detail: 'per-user envelope without meta.encryptedBy',
      };
    // OIP user keys are hex secp256k1 public keys; anything else would only burn a derivation.
    if (!userPublicKey.test(encryptedBy))
      return {
        ok: false,
        reason: 'needs-user-key',
        detail: 'meta.encryptedBy is not a hex public key',
      };
    const salts = keyring.userSalts.get(encryptedBy.toLowerCase()) ?? [];
    const candidates: Candidate[] = salts.map((salt, i) => ({
      id: `user-salt-${i + 1}`,
      mode: 'per-user',
      material: perUserMaterial(encryptedBy, salt),
      named: true,
    }));
    candidates.push({
      id: 'user-fallback',
      mode: 'per-user-fallback',
      material: perUserFallbackMaterial(encryptedBy),
      named: false,
    });
    return { candidates, missing: 'needs-user-key' };
  }
  if (type !== undefined)
    return {
      ok: false,
      reason: 'unsupported-envelope',
      detail: `unknown encryptionType ${JSON.stringify(type.slice(0, 40))}`,
    };
  return {
    candidates: keyring.shared.map((k) => ({
      id: k.id,
      mode: 'legacy-shared',
      material: k,
      named: true,
    })),
    missing: 'decrypt-failed',
  };
}

async function tryCandidates(
  keys: DerivedKeys,
  envelope: Envelope,
  candidates: readonly Candidate[],
): Promise<{ plaintext: Buffer; candidate: Candidate } | null> {
  for (const candidate of candidates) {
    const plaintext = openGcm(await keys.derive(candidate.material), envelope);
    if (plaintext) return { plaintext, candidate };
  }
  return null;
}

export function makeDecrypt({ keyring, keys, policy }: DecryptDeps): Decrypt {
  return async function decrypt({ data, meta: rawMeta, foreign }) {
    if (!policy.privateRecords)
      return {
        ok: false,
        reason: 'private-sync-disabled',
        detail: 'GUN_SYNC_PRIVATE_RECORDS=false',
      };
    if (foreign && !policy.foreignRecords) {
      return {
        ok: false,
        reason: 'foreign-decrypt-disabled',
        detail: 'GUN_DECRYPT_FOREIGN_RECORDS=false',
      };
    }
    const metaParse = EnvelopeMeta.safeParse(rawMeta);
    const meta: EnvelopeMeta = metaParse.success ? metaParse.data : {};
    if (
      meta.encryptionMethod !== undefined &&
      meta.encryptionMethod.toLowerCase() !== 'aes-256-gcm'
    ) {
      return {
        ok: false,
        reason: 'unsupported-envelope',
        detail: `encryptionMethod ${JSON.stringify(meta.encryptionMethod.slice(0, 40))}`,
      };
    }
    const parsed = parseEnvelope(data);
    if (!parsed.ok) return { ok: false, reason: 'unsupported-envelope', detail: parsed.detail };

    const planned = plan(keyring, meta);
    if ('ok' in planned) return planned;
    const hit = await tryCandidates(keys, parsed.envelope, planned.candidates);
    if (hit) {
      return {
        ok: true,
        dataString: unwrapPlaintext(hit.plaintext.toString('utf8')),
        mode: hit.candidate.mode,
        keyId: hit.candidate.id,
      };
    }
    const hadNamedKey = planned.candidates.some((c) => c.named);
    return hadNamedKey
      ? {
          ok: false,
          reason: 'decrypt-failed',
          detail: `no key of ${planned.candidates.length} authenticates the envelope`,
        }
      : {
          ok: false,
          reason: planned.missing,
          detail: `no configured key fits (${planned.candidates.length} tried)`,
        };
  };
}
