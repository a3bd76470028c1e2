import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrls } from '../../../test/services.js';
import { resolveNodeId } from '../src/node-id.js';

const redisUrl = () => serviceUrls().redisUrl;

describe(`${resolveNodeId.name} against Redis`, () => {
  let redis: Redis;
  const key = `test-${randomUUID()}:gun:node-id`;

  beforeAll(() => {
    redis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('generates the id once and returns it on every later start', async () => {
    const first = await resolveNodeId({ redis, key });
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(await resolveNodeId({ redis, key })).toBe(first);
    expect(await redis.get(key)).toBe(first);
  });

  it('gives concurrent replicas the same id', async () => {
    const raceKey = `${key}:race`;
    try {
      const ids = await Promise.all(
        Array.from({ length: 8 }, () => {
          const replica = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
          return resolveNodeId({ redis: replica, key: raceKey }).finally(() =>
            replica.disconnect(),
          );
        }),
      );
      expect(new Set(ids).size).toBe(1);
    } finally {
      await redis.del(raceKey);
    }
  });

  it('lets the override win without touching Redis', async () => {
    const overrideKey = `${key}:override`;
    expect(await resolveNodeId({ override: 'node-a', redis, key: overrideKey })).toBe('node-a');
    expect(await redis.exists(overrideKey)).toBe(0);
  });
});
