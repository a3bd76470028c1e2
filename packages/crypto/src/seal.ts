/**
 * Seals a decrypted document for the hop between pipeline stages, so Redis (and the queue
 * dashboard) only ever hold ciphertext: AES-256-GCM under the service key SYNC_SEAL_KEY, a fresh
 * 96-bit IV per payload, and an optional context (e.g. the soul) bound as associated data so a
 * sealed payload cannot be replayed for another record.
 *
 * Format: `s1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { openGcm } from './aes-gcm.js';
import { SealError } from './crypto-error.js';

const VERSION = 's1';
const part = /^[A-Za-z0-9_-]*$/;

function aad(context: string): Buffer {
  return Buffer.from(`${VERSION}\u0000${context}`, 'utf8');
}

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new SealError(`the seal key must be 32 bytes, got ${key.length}`);
}

/** @throws SealError when the key is not 32 bytes or `value` is not JSON-serialisable. */
export function seal(value: unknown, key: Buffer, context = ''): string {
  checkKey(key);
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new SealError('only JSON values can be sealed');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(aad(context));
  const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/**
 * The sealed JSON value (validate it before use).
 * @throws SealError when the payload is malformed, was sealed with another key or context, or was altered.
 */
export function open(sealed: string, key: Buffer, context = ''): unknown {
  checkKey(key);
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  const [version, iv, tag, ciphertext] = parts;
  if (
    parts.length !== 4 ||
    version !== VERSION ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined ||
    ![iv, tag, ciphertext].every((p) => part.test(p))
  ) {
    throw new SealError('not a sealed payload');
  }
  const envelope = {
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
  };
  if (envelope.iv.length !== 12 || envelope.tag.length !== 16)
    throw new SealError('not a sealed payload');
  const plaintext = openGcm(key, envelope, aad(context));
  if (!plaintext)
    throw new SealError('sealed payload does not authenticate (wrong key or context, or altered)');
  try {
    return JSON.parse(plaintext.toString('utf8'));
  } catch (err) {
    throw new SealError('sealed payload is not JSON', err);
  }
}
