import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isNewerField } from './graph-store.js';
import { createSqliteGraphStore } from './sqlite-graph-store.js';

describe(isNewerField.name, () => {
  it("follows GUN's HAM: higher state wins, equal states go to the higher JSON text", () => {
    expect(isNewerField({ value: 'a', state: 2 }, { value: 'b', state: 1 })).toBe(true);
    expect(isNewerField({ value: 'z', state: 1 }, { value: 'a', state: 2 })).toBe(false);
    expect(isNewerField({ value: 'b', state: 1 }, { value: 'a', state: 1 })).toBe(true);
    expect(isNewerField({ value: 'a', state: 1 }, { value: 'a', state: 1 })).toBe(false);
    expect(isNewerField({ value: '1', state: 1 }, { value: 1, state: 1 })).toBe(false);
  });
});

describe(createSqliteGraphStore.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-graph-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps fields with their states across a reopen, refusing older writes', () => {
    const path = join(dir, 'a', 'store.sqlite');
    const first = createSqliteGraphStore({ path });
    expect(
      first.write([
        { soul: 's', key: 'x', value: 'one', state: 10 },
        { soul: 's', key: 'link', value: { '#': 's/child' }, state: 10 },
        { soul: 's', key: 'n', value: null, state: 10.5 },
        { soul: 't', key: 'x', value: 3, state: 1 },
      ]),
    ).toEqual([{ kept: true }, { kept: true }, { kept: true }, { kept: true }]);
    expect(
      first.write([
        { soul: 's', key: 'x', value: 'older', state: 9 },
        { soul: 's', key: 'x', value: 'newer', state: 11 },
      ]),
    ).toEqual([{ kept: false, current: { key: 'x', value: 'one', state: 10 } }, { kept: true }]);
    first.close();
    first.close();

    const second = createSqliteGraphStore({ path });
    expect(second.readNode('s')).toEqual([
      { key: 'link', value: { '#': 's/child' }, state: 10 },
      { key: 'n', value: null, state: 10.5 },
      { key: 'x', value: 'newer', state: 11 },
    ]);
    expect(second.readNode('s', { equals: 'n' })).toEqual([{ key: 'n', value: null, state: 10.5 }]);
    expect(second.readNode('s', { prefix: 'l' }).map((f) => f.key)).toEqual(['link']);
    expect(second.readNode('s', { from: 'm', to: 'z' }).map((f) => f.key)).toEqual(['n', 'x']);
    expect(second.readNode('nobody')).toEqual([]);
    expect(second.countNodes()).toBe(2);
    second.close();
  });
});
