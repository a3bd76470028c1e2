import { describe, expect, it } from 'vitest';
import { mergeIndexListings, toIndexListing } from './index-listing.js';

const soul = 'oip:registry:index:post';
const link = (key: string) => ({ '#': `${soul}/${key}` });

describe(toIndexListing.name, () => {
  it('keeps entry keys sorted and only the values that are not the usual link', () => {
    const listing = toIndexListing(soul, {
      'b:2': link('b:2'),
      'a:1': link('a:1'),
      'c:3': { '#': 'elsewhere/c:3' },
      'd:4': { soul: 'd:4', timestamp: 1 },
      '#meta': 'x',
      _hidden: 1,
    });
    expect(listing.keys).toEqual(['a:1', 'b:2', 'c:3', 'd:4']);
    expect(listing.fields).toBe(6);
    expect([...listing.unusual.keys()]).toEqual(['c:3', 'd:4']);
    expect(listing.valueOf('a:1')).toEqual(link('a:1'));
    expect(listing.valueOf('c:3')).toEqual({ '#': 'elsewhere/c:3' });
    expect(listing.valueOf('d:4')).toEqual({ soul: 'd:4', timestamp: 1 });
  });

  it('skips removed fields; a __proto__ key is a field, not an entry (it starts with _)', () => {
    const node = JSON.parse('{"__proto__":{"#":"x"},"gone:1":null,"a:1":{"#":"y"}}') as Record<
      string,
      unknown
    >;
    const listing = toIndexListing(soul, node);
    expect(listing.keys).toEqual(['a:1']);
    expect(listing.fields).toBe(2);
  });
});

describe(mergeIndexListings.name, () => {
  it('is the union of the keys; a value that differs takes the preferred one', () => {
    const a = toIndexListing(soul, { 'a:1': link('a:1'), 'b:2': link('b:2'), '#x': 1 });
    const b = toIndexListing(soul, { 'b:2': { '#': 'moved/b:2' }, 'c:3': link('c:3') });
    const merged = mergeIndexListings(soul, [a, b]);
    expect(merged.keys).toEqual(['a:1', 'b:2', 'c:3']);
    expect(merged.fields).toBe(4);
    // As mergeFields: of two links without versions, the lexically greater, in either order.
    expect(merged.valueOf('b:2')).toEqual(link('b:2'));
    expect(merged.unusual.size).toBe(0);
    expect(merged.valueOf('c:3')).toEqual(link('c:3'));
    expect(mergeIndexListings(soul, [b, a]).valueOf('b:2')).toEqual(link('b:2'));
    const c = toIndexListing(soul, { 'b:2': { '#': 'zz/b:2' } });
    expect(mergeIndexListings(soul, [a, c]).valueOf('b:2')).toEqual({ '#': 'zz/b:2' });
    expect(mergeIndexListings(soul, [c, a]).valueOf('b:2')).toEqual({ '#': 'zz/b:2' });
  });
});
