import { describe, expect, it } from 'vitest';
import { jsonParseKeepsEscapedKeys, unsoundJsonRuntime } from './json-runtime.js';

describe('the JSON.parse runtime check', () => {
  // Fails on Node 24.14–24.21 (the V8 key-cache bug); the repository pins a release without it.
  it('finds the runtime the tests run on sound', () => {
    expect(jsonParseKeepsEscapedKeys()).toBe(true);
    expect(unsoundJsonRuntime()).toBeUndefined();
  });

  it('keeps escaped keys over many parses after a backslash key', () => {
    const keys = ['"', '\\', '\n', '\f', '\r', '\t', 'a"', '"b', '\\"'];
    let wrong = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const a = keys[i % keys.length] ?? '';
      const b = keys[(i * 7 + 3) % keys.length] ?? '';
      const text = JSON.stringify({ h: i % 2 ? [] : 1, [a]: 0, [b]: { [a]: 1 } });
      if (JSON.stringify(JSON.parse(text)) !== text) wrong += 1;
    }
    expect(wrong).toBe(0);
  });
});
