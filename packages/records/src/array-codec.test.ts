import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeArrays, restoreArrays, toStoredDataString } from './array-codec.js';
import type { JsonObject, JsonValue } from './json.js';
import { loadVector } from './testing.js';

interface ArrayCodecVectors {
  encode: { name: string; input: JsonObject; stored: JsonObject; storedDataString: string }[];
  restore: { name: string; stored: JsonObject; indexed: JsonObject }[];
}

const vectors = loadVector<ArrayCodecVectors>('array-codec');

describe('array codec with the golden vectors (array-codec.json)', () => {
  it.each(vectors.encode.map((c) => [c.name, c] as const))('encode: %s', (_name, c) => {
    expect(encodeArrays(c.input)).toEqual(c.stored);
    expect(toStoredDataString(c.input)).toBe(c.storedDataString);
  });

  it.each(vectors.restore.map((c) => [c.name, c] as const))('restore: %s', (_name, c) => {
    expect(restoreArrays(c.stored)).toEqual(c.indexed);
  });
});

/** JSON whose strings cannot be mistaken for encoded arrays (no "[" anywhere) and without -0. */
const safeString = fc.string({ unit: fc.constantFrom(...'ab c"\\{}:,é😀0'.split('')) });
const safeJson: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    safeString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(safeString, fc.constant('__proto__')), tie('value'), { maxKeys: 4 }),
  ),
})).value;
const safeData = fc.dictionary(safeString, safeJson, { maxKeys: 5 }) as fc.Arbitrary<JsonObject>;

describe('array codec properties', () => {
  it('restore(encode(x)) = x for data without array-looking strings', () => {
    fc.assert(
      fc.property(safeData, (data) => {
        expect(restoreArrays(encodeArrays(data))).toEqual(data);
      }),
    );
  });

  it('survives the trip through the stored data string', () => {
    fc.assert(
      fc.property(safeData, (data) => {
        expect(restoreArrays(JSON.parse(toStoredDataString(data)) as JsonValue)).toEqual(data);
      }),
    );
  });

  it('leaves no array outside JSON strings after encoding', () => {
    const hasArray = (v: JsonValue): boolean =>
      Array.isArray(v) || (typeof v === 'object' && v !== null && Object.values(v).some(hasArray));
    fc.assert(
      fc.property(fc.jsonValue() as fc.Arbitrary<JsonValue>, (v) => {
        expect(hasArray(encodeArrays(v))).toBe(false);
      }),
    );
  });

  it('is lossy as OIP is: a string holding a JSON array comes back as an array', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (numbers) => {
        expect(restoreArrays(encodeArrays({ note: JSON.stringify(numbers) }))).toEqual({
          note: numbers,
        });
      }),
    );
  });

  it('keeps __proto__ keys as data, never as a prototype', () => {
    const input = JSON.parse('{"__proto__":{"polluted":[1]}}') as JsonObject;
    const encoded = encodeArrays(input) as JsonObject;
    expect(Object.getPrototypeOf(encoded)).toBe(Object.prototype);
    expect(Object.keys(encoded)).toEqual(['__proto__']);
    expect(restoreArrays(encoded)).toEqual(input);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
