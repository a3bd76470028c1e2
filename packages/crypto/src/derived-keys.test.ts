import { describe, expect, it } from 'vitest';
import { DerivedKeys } from './derived-keys.js';
import { loadVector } from './testing.js';

const { cases } = loadVector<{
  cases: { keyMaterial?: { password: string; salt: string; derivedKeyHex?: string } }[];
}>('crypto');

describe(DerivedKeys.name, () => {
  it("derives OIP's legacy key (crypto.json derivedKeyHex)", async () => {
    const material = cases.find((c) => c.keyMaterial?.derivedKeyHex)!.keyMaterial!;
    const keys = new DerivedKeys({ maxEntries: 4 });
    expect((await keys.derive(material)).toString('hex')).toBe(material.derivedKeyHex);
  });

  it('derives once per material and evicts the least recently used beyond maxEntries', async () => {
    const keys = new DerivedKeys({ maxEntries: 2, iterations: 1 });
    const a = { password: 'a', salt: 's' };
    const b = { password: 'b', salt: 's' };
    const c = { password: 'c', salt: 's' };
    await keys.derive(a);
    await keys.derive(b);
    await keys.derive(a); // a is now the most recent
    expect(keys.derivations).toBe(2);
    await keys.derive(c); // evicts b
    expect(keys.size).toBe(2);
    await keys.derive(a);
    expect(keys.derivations).toBe(3);
    await keys.derive(b);
    expect(keys.derivations).toBe(4);
  });

  it('keeps password and salt apart (a:b + c differs from a + b:c)', async () => {
    const keys = new DerivedKeys({ maxEntries: 4, iterations: 1 });
    const one = await keys.derive({ password: 'a\u0000b', salt: 'c' });
    const two = await keys.derive({ password: 'a', salt: 'b\u0000c' });
    expect(one.equals(two)).toBe(false);
    expect(keys.derivations).toBe(2);
  });

  it('with maxEntries 0 derives every time (the seed behaviour)', async () => {
    const keys = new DerivedKeys({ maxEntries: 0, iterations: 1 });
    await keys.derive({ password: 'a', salt: 's' });
    await keys.derive({ password: 'a', salt: 's' });
    expect(keys.derivations).toBe(2);
    expect(keys.size).toBe(0);
  });

  it('does not cache a failed derivation', async () => {
    const keys = new DerivedKeys({ maxEntries: 2, iterations: 0 });
    await expect(keys.derive({ password: 'a', salt: 's' })).rejects.toThrow();
    expect(keys.size).toBe(0);
  });

  it('refuses a negative size', () => {
    expect(() => new DerivedKeys({ maxEntries: -1 })).toThrow(RangeError);
  });
});
