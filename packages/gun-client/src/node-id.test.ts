import { describe, expect, it } from 'vitest';
import { resolveNodeId, type NodeIdStore } from './node-id.js';

function mapStore(): NodeIdStore {
  const values = new Map<string, string>();
  return {
    async set(key, value) {
      if (values.has(key)) return null;
      values.set(key, value);
      return 'OK';
    },
    async get(key) {
      return values.get(key) ?? null;
    },
  };
}

describe(resolveNodeId.name, () => {
  it('uses the override when set', async () => {
    expect(await resolveNodeId({ override: 'node-a', redis: mapStore(), key: 'k' })).toBe('node-a');
  });

  it('keeps the first generated id across calls', async () => {
    const redis = mapStore();
    let n = 0;
    const generate = () => `id-${++n}`;
    expect(await resolveNodeId({ redis, key: 'k', generate })).toBe('id-1');
    expect(await resolveNodeId({ redis, key: 'k', generate })).toBe('id-1');
  });

  it('generates 16 hex characters by default', async () => {
    expect(await resolveNodeId({ redis: mapStore(), key: 'k' })).toMatch(/^[0-9a-f]{16}$/);
  });
});
