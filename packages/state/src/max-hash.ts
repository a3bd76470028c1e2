/**
 * A Redis hash of numbers that only ever rise: concurrent writers (replicas, retries) can never
 * move a soul's watermark or a DID's tombstone backwards.
 */
import type { Redis } from 'ioredis';

const raiseScript = `
local raised = 0
for i = 1, #ARGV, 2 do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  if (not cur) or tonumber(cur) < tonumber(ARGV[i + 1]) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    raised = raised + 1
  end
end
return raised
`;

const chunk = 500;

export interface MaxHash {
  /** Raises each field to its value when higher; returns how many rose. */
  raise(entries: readonly (readonly [string, number])[]): Promise<number>;
  getMany(fields: readonly string[]): Promise<(number | undefined)[]>;
  get(field: string): Promise<number | undefined>;
  remove(field: string): Promise<void>;
  size(): Promise<number>;
}

export function createMaxHash(redis: Redis, key: string): MaxHash {
  return {
    async raise(entries) {
      let raised = 0;
      for (let i = 0; i < entries.length; i += chunk) {
        const args = entries
          .slice(i, i + chunk)
          .flatMap(([field, value]) => [field, String(value)]);
        raised += Number(await redis.eval(raiseScript, 1, key, ...args));
      }
      return raised;
    },
    async getMany(fields) {
      const out: (number | undefined)[] = [];
      for (let i = 0; i < fields.length; i += chunk) {
        const values = await redis.hmget(key, ...fields.slice(i, i + chunk));
        out.push(...values.map((v) => (v === null ? undefined : Number(v))));
      }
      return out;
    },
    async get(field) {
      const v = await redis.hget(key, field);
      return v === null ? undefined : Number(v);
    },
    async remove(field) {
      await redis.hdel(key, field);
    },
    size() {
      return redis.hlen(key);
    },
  };
}
