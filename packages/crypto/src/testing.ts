/**
 * Test support (not part of the runtime API; excluded from coverage): the golden vectors of spec/
 * and an OIP-style encryptor for building envelopes the vectors do not cover.
 */
import { createCipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import { PBKDF2_DIGEST, PBKDF2_ITERATIONS, KEY_BYTES, type KeyMaterial } from './derived-keys.js';

export { loadVector, type VectorName } from '../../../spec/vectors.js';

/** Encrypts like OIP: AES-256-GCM, 12-byte IV, everything base64, under PBKDF2(material). */
export function encryptLikeOip(
  plaintext: string,
  material: KeyMaterial,
  iterations = PBKDF2_ITERATIONS,
): { encrypted: string; iv: string; tag: string } {
  const key = pbkdf2Sync(material.password, material.salt, iterations, KEY_BYTES, PBKDF2_DIGEST);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    encrypted: encrypted.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}
