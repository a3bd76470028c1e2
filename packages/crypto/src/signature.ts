/**
 * OIP creator signatures: `oip.signature` is base64 RSA-PSS/SHA-256 (Arweave style) over the
 * exact stored data string, by the key whose modulus is `oip.creator.publicKey` (base64url
 * `jwk.n`, e = AQAB). Signers used both the maximum PSS salt length and 32, so the salt length
 * is auto-detected.
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { LruCache } from './lru-cache.js';

export type SignaturePolicy = 'off' | 'warn' | 'enforce';
export const signaturePolicies: readonly SignaturePolicy[] = ['off', 'warn', 'enforce'];

/** `not-checked` only under policy `off`. */
export type SignatureOutcome = 'valid' | 'invalid' | 'unsigned' | 'not-checked';

export interface SignatureCheck {
  outcome: SignatureOutcome;
  /** False only under `enforce`, for anything but `valid`. */
  accepted: boolean;
}

export interface SignedData {
  /** The exact data string that was signed (for an encrypted record: the decrypted one). */
  data: string;
  /** `oip.signature`; absent or empty means unsigned. */
  signature: string | undefined;
  /** `oip.creator.publicKey`. */
  publicKey: string;
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64url = /^[A-Za-z0-9_-]+$/;

/** Most records of a node share its one wallet key; parsing a 4096-bit JWK is worth caching. */
const publicKeys = new LruCache<string, KeyObject | null>(256);

function toPublicKey(modulus: string): KeyObject | null {
  const cached = publicKeys.get(modulus);
  if (cached !== undefined) return cached;
  let key: KeyObject | null = null;
  if (base64url.test(modulus) && modulus.length >= 86 && modulus.length <= 2800) {
    try {
      key = createPublicKey({ key: { kty: 'RSA', n: modulus, e: 'AQAB' }, format: 'jwk' });
    } catch {
      key = null;
    }
  }
  publicKeys.set(modulus, key);
  return key;
}

/** Verifies on libuv's threadpool; anything malformed is simply `false`. */
export function verifySignature({ data, signature, publicKey }: SignedData): Promise<boolean> {
  const key = toPublicKey(publicKey);
  if (!key || !signature || !base64.test(signature)) return Promise.resolve(false);
  const options = {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_AUTO,
  };
  return new Promise((resolve) => {
    verify(
      'sha256',
      Buffer.from(data, 'utf8'),
      options,
      Buffer.from(signature, 'base64'),
      (err, ok) => resolve(!err && ok),
    );
  });
}

/** Applies GUN_SYNC_VERIFY_SIGNATURES: `off` skips, `warn` checks and keeps, `enforce` keeps only valid. */
export async function checkSignature(
  signed: SignedData,
  policy: SignaturePolicy,
): Promise<SignatureCheck> {
  if (policy === 'off') return { outcome: 'not-checked', accepted: true };
  const outcome: SignatureOutcome = !signed.signature
    ? 'unsigned'
    : (await verifySignature(signed))
      ? 'valid'
      : 'invalid';
  return { outcome, accepted: policy === 'warn' || outcome === 'valid' };
}
