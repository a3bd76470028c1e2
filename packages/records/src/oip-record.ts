/**
 * The typed OIP record and the zod schemas that admit it, following OIP's `isValidOIPRecord`
 * (spec §4): `oip.ver` a string starting with `0.8`, a `recordType`, `data`, and a creator with
 * `publicKey` and `didAddress` (the flattened legacy `creator_*` fields are normalised into
 * `creator` before validation).
 */
import { z } from 'zod';
import type { JsonObject, JsonValue } from './json.js';
import type { RegistryEntry } from './record-graph.js';

const nonEmpty = z.string().min(1);

export const OipCreator = z.looseObject({
  publicKey: nonEmpty,
  didAddress: nonEmpty,
});
export type OipCreator = z.infer<typeof OipCreator>;

export const OipHeader = z.looseObject({
  ver: z.string().startsWith('0.8', { message: 'must start with 0.8' }),
  recordType: nonEmpty,
  creator: OipCreator,
  signature: z.string().optional(),
  indexedAt: z.union([z.string(), z.number()]).optional(),
  did: z.string().optional(),
  didTx: z.string().optional(),
});
export type OipHeader = z.infer<typeof OipHeader> & JsonObject;

/** `data` after decoding: a JSON object (arrays inside are still JSON strings, as stored). */
export const OipData = z.record(z.string(), z.unknown());

interface RecordBase {
  soul: string;
  /** `did:gun:<soul>`: the soul actually read, whatever `oip.did` says (spec §2.2). */
  did: string;
  /** Validated, creator normalised; everything else as published. */
  oip: OipHeader;
  /** The `meta` node (`created`, `localId`, encryption flags), `{}` when absent. */
  meta: JsonObject;
  registry: RegistryEntry | undefined;
  /** JSON size of the nodes read. */
  sizeBytes: number;
}

export interface PlainRecord extends RecordBase {
  encrypted: false;
  data: JsonObject;
  /** The exact stored (or decrypted) data string, which the creator signed; null for node-form data. */
  dataString: string | null;
  wasEncrypted: boolean;
}

export interface EncryptedRecord extends RecordBase {
  encrypted: true;
  /** The resolved `data`: an envelope `{encrypted, iv, tag}`, or whatever an unsupported mode stored. */
  payload: JsonValue;
}

export type OipRecord = PlainRecord | EncryptedRecord;

/** One line per issue, without the offending values: `oip.ver: must start with 0.8`. */
export function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
}
