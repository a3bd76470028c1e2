/**
 * OIP's encrypted `data`: an object `{encrypted, iv, tag}` (base64, AES-256-GCM) stored as the
 * child node `<soul>/data`, with the flags in `meta`. Detection is by `meta.encrypted` or by the
 * envelope's own shape (readers that never resolved `meta` still see the envelope).
 */
import { z } from 'zod';

const envelopeKeys = new Set(['encrypted', 'iv', 'tag']);

/** Strict, padded standard base64 (what OIP writes); Buffer.from alone accepts anything. */
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The flags OIP writes into `meta` (only the ones decryption reads; other fields are ignored). */
export const EnvelopeMeta = z.object({
  encrypted: z.unknown().optional(),
  encryptionMethod: z.string().optional().catch(undefined),
  encryptionType: z.string().optional().catch(undefined),
  encryptedBy: z.string().optional().catch(undefined),
  encryptedForOrganization: z.string().optional().catch(undefined),
});
export type EnvelopeMeta = z.infer<typeof EnvelopeMeta>;

/** A GCM envelope with every part decoded. */
export interface Envelope {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

export type EnvelopeParse = { ok: true; envelope: Envelope } | { ok: false; detail: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * True when a record's `data` is encrypted: `meta.encrypted === true`, or `data` has the
 * envelope's shape (string `encrypted` and `iv`, optional `tag`, nothing else).
 */
export function isEncryptedPayload(data: unknown, meta: unknown): boolean {
  if (isObject(meta) && own(meta, 'encrypted') === true) return true;
  if (!isObject(data)) return false;
  const keys = Object.keys(data);
  return (
    keys.length > 0 &&
    keys.every((k) => envelopeKeys.has(k)) &&
    typeof own(data, 'encrypted') === 'string' &&
    typeof own(data, 'iv') === 'string'
  );
}

function decodeBase64(value: unknown, name: string, min: number, max: number): Buffer | string {
  if (typeof value !== 'string') return `${name} is missing`;
  if (value.length === 0 || !base64.test(value)) return `${name} is not base64`;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < min || bytes.length > max) return `${name} has ${bytes.length} bytes`;
  return bytes;
}

/**
 * Decodes an AES-256-GCM envelope. The 2025 scrypt-era envelope (hex, no tag) and SEA strings
 * cannot be authenticated and come back as `ok: false`.
 */
export function parseEnvelope(data: unknown): EnvelopeParse {
  if (!isObject(data))
    return {
      ok: false,
      detail: `data is ${Array.isArray(data) ? 'an array' : typeof data}, not an envelope`,
    };
  const ciphertext = decodeBase64(own(data, 'encrypted'), 'encrypted', 1, Number.MAX_SAFE_INTEGER);
  if (typeof ciphertext === 'string') return { ok: false, detail: ciphertext };
  const iv = decodeBase64(own(data, 'iv'), 'iv', 12, 64);
  if (typeof iv === 'string') return { ok: false, detail: iv };
  const tag = decodeBase64(own(data, 'tag'), 'tag', 16, 16);
  if (typeof tag === 'string') return { ok: false, detail: tag };
  return { ok: true, envelope: { ciphertext, iv, tag } };
}
