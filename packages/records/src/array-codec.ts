/**
 * OIP's array handling, both ways, with its lossy corners kept on purpose so documents match
 * what OIP nodes index (spec §2.3 and §6, vectors array-codec.json).
 *
 * - encode (`convertArraysForGUN`): any array at any depth becomes `JSON.stringify(array)`,
 *   without recursing into it; then the whole data object is JSON-stringified into `data`.
 * - restore (`processRecordForElasticsearch`, under `data` only): a string that starts with `[`
 *   and ends with `]` (no trimming) and parses to an array becomes that array, without
 *   recursing into it; objects and real arrays are walked. A user string such as `"[1,2]"`
 *   therefore comes back as an array.
 */
import { isPlainObject, setOwn, type JsonObject, type JsonValue } from './json.js';

export function encodeArrays(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return JSON.stringify(value);
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) setOwn(out, key, encodeArrays(child));
    return out;
  }
  return value;
}

/** The string OIP stores in the GUN field `data` (and signs). */
export function toStoredDataString(data: JsonObject): string {
  return JSON.stringify(encodeArrays(data));
}

export function restoreArrays(value: JsonValue): JsonValue {
  if (typeof value === 'string') {
    if (value.startsWith('[') && value.endsWith(']')) {
      try {
        const parsed = JSON.parse(value) as unknown;
        if (Array.isArray(parsed)) return parsed as JsonValue[];
      } catch {
        // not JSON: OIP keeps the string (e.g. "[draft]")
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(restoreArrays);
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) setOwn(out, key, restoreArrays(child));
    return out;
  }
  return value;
}
