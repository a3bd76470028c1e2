import { describe, expect, it } from 'vitest';
import { createFieldScanner } from './field-scanner.js';

/** Scans `text` cut into pieces at `cuts`, returning the fields handed over and the rest. */
function scan(text: string, cuts: number[] = []) {
  const fields: [string, unknown][] = [];
  const scanner = createFieldScanner((key, value) => fields.push([key, value]));
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    scanner.write(text.slice(at, cut));
    at = cut;
  }
  return { fields, ...scanner.end() };
}

const tricky = {
  success: true,
  before: { nested: ['{', '}', ','] },
  data: {
    'pub:1': { '#': 'oip:registry:index:post/pub:1' },
    'quote "and" \\ backslash': 'a "}" , { ] string',
    __proto__x: 1,
    nested: { a: [1, { b: '}' }], c: null },
    'ünïcode ✓': '\u2028 \n',
    number: -1.5e3,
    empty: {},
    list: [],
  },
  after: 'x',
};

describe(createFieldScanner.name, () => {
  it('hands over every field of data and keeps the rest, whatever the pieces', () => {
    const text = JSON.stringify(tricky);
    const whole = scan(text);
    expect(Object.fromEntries(whole.fields)).toEqual(tricky.data);
    expect(whole.body).toEqual({ ...tricky, data: {} });
    expect(whole.streamed).toBe(true);
    // Cut at every position, and in many small pieces.
    for (let cut = 1; cut < text.length; cut++)
      expect(scan(text, [cut]).fields).toEqual(whole.fields);
    const pieces = Array.from({ length: Math.floor(text.length / 3) }, (_, i) => (i + 1) * 3);
    expect(scan(text, pieces)).toEqual(whole);
  });

  it('keeps a __proto__ field as a field', () => {
    const { fields } = scan('{"data":{"__proto__":{"#":"x"},"a":1}}');
    expect(fields).toEqual([
      ['__proto__', { '#': 'x' }],
      ['a', 1],
    ]);
  });

  it('leaves answers without a data object as they are', () => {
    expect(scan('{"error":"Not found","data":null}')).toEqual({
      fields: [],
      body: { error: 'Not found', data: null },
      streamed: false,
    });
    expect(scan('{"success":true}')).toEqual({
      fields: [],
      body: { success: true },
      streamed: false,
    });
    expect(scan('{"data":{}}')).toEqual({ fields: [], body: { data: {} }, streamed: true });
    expect(scan('  ')).toEqual({ fields: [], body: null, streamed: false });
  });

  it('does not take a nested data key for the answer’s data', () => {
    const { fields, body } = scan('{"x":{"data":{"a":1}},"data":{"b":2}}');
    expect(fields).toEqual([['b', 2]]);
    expect(body).toEqual({ x: { data: { a: 1 } }, data: {} });
  });

  it('fails on an answer that is not whole JSON', () => {
    expect(() => scan('{"data":{"a":1')).toThrow(SyntaxError);
    expect(() => scan('{"data":{"a":"1}}')).toThrow(SyntaxError);
    expect(() => scan('<html>502 Bad Gateway</html>')).toThrow(SyntaxError);
    expect(() => scan('{"data":{"a":1,}}')).toThrow(SyntaxError);
  });
});
