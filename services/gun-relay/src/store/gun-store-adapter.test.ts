import { describe, expect, it } from 'vitest';
import { toKeyFilter } from './gun-store-adapter.js';

describe(toKeyFilter.name, () => {
  it("reads GUN's key lex: a key, a prefix, a range; refuses what it cannot read", () => {
    expect(toKeyFilter(undefined)).toBeUndefined();
    expect(toKeyFilter('k')).toEqual({ equals: 'k' });
    expect(toKeyFilter({ '*': 'pre' })).toEqual({ prefix: 'pre' });
    expect(toKeyFilter({ '>': 'a', '<': 'b' })).toEqual({ from: 'a', to: 'b' });
    expect(toKeyFilter(5)).toBeNull();
  });
});
