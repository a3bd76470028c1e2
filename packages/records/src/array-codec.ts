/**
 * OIP's array handling, both ways, with its lossy corners kept on purpose so documents match
 * what OIP nodes index (spec §2.3 and §6, vectors array-codec.json).
 *
 * - encode (`convertArraysForGUN`): any array at any depth becomes `JSON.stringify(array)`,
 *   without recursing into it; then the whole data object is JSON-stringified into `data`.
 * - restore (`processRecordForElasticsearch`, under `data` only): a string that starts with `[`
 *   and ends with `]` (no trimming) and parses to an array becomes that array, without
 *   recursing into it; objects and real arrays are walked. A user string such as `"[1,2]"`
 *   therefore comes back as an array. The restored document stays within the same nesting
 *   limit as the parsed record: arrays inside a string count from where the string sits, so
 *   `"[[[…]]]"` cannot smuggle a depth that JSON.stringify (sealing) cannot handle.
 */
import { isPlainObject, nestsDeeperThan, setOwn, type JsonObject, type JsonValue } from './json.js';
import { RejectRecord } from './rejection.js';
import { DEFAULT_MAX_DEPTH } from './to-oip-record.js';

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

function parseArray(value: string): JsonValue[] | undefined {
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? (parsed as JsonValue[]) : undefined;
  } catch {
    return undefined; // not JSON: OIP keeps the string (e.g. "[draft]")
  }
}

/**
 * Throws RejectRecord (`invalid-record`) when a restored array would nest deeper than
 * `maxDepth` counted from `value`.
 */
export function restoreArrays(
  value: JsonValue,
  maxDepth: number = DEFAULT_MAX_DEPTH,
  depth = 0,
): JsonValue {
  if (typeof value === 'string') {
    if (value.startsWith('[') && value.endsWith(']')) {
      const parsed = parseArray(value);
      if (parsed) {
        if (nestsDeeperThan(parsed, maxDepth - depth))
          throw new RejectRecord(
            'invalid-record',
            `an array string nested deeper than ${maxDepth}`,
          );
        return parsed;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => restoreArrays(item, maxDepth, depth + 1));
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value))
      setOwn(out, key, restoreArrays(child, maxDepth, depth + 1));
    return out;
  }
  return value;
}
