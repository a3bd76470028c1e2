import { createDecipheriv } from 'node:crypto';
import type { Envelope } from './envelope.js';

/**
 * AES-256-GCM decryption; null when the tag does not authenticate (wrong key or tampered data).
 * Synchronous on purpose: a few microseconds for a record, less than a threadpool round trip.
 */
export function openGcm(
  key: Buffer,
  { ciphertext, iv, tag }: Envelope,
  aad?: Buffer,
): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    decipher.setAuthTag(tag);
    if (aad) decipher.setAAD(aad);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return null;
  }
}
