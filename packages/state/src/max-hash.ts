/**
 * A Redis hash of numbers that only ever rise: concurrent writers (replicas, retries) can never
 * move a soul's watermark or a DID's tombstone backwards.
 */
import type { Redis } from 'ioredis';
import { coalesce } from '@sync/runtime/coalesce';

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
  /** Raises one field; concurrent calls share one script run (`coalesce`). */
  raiseOne(field: string, value: number): Promise<void>;
  getMany(fields: readonly string[]): Promise<(number | undefined)[]>;
  /** One field; concurrent calls share one HMGET (`coalesce`). */
  get(field: string): Promise<number | undefined>;
  remove(field: string): Promise<void>;
  size(): Promise<number>;
}

export function createMaxHash(redis: Redis, key: string): MaxHash {
  const raise = async (entries: readonly (readonly [string, number])[]) => {
    let raised = 0;
    for (let i = 0; i < entries.length; i += chunk) {
      const args = entries.slice(i, i + chunk).flatMap(([field, value]) => [field, String(value)]);
      raised += Number(await redis.eval(raiseScript, 1, key, ...args));
    }
    return raised;
  };
  const getMany = async (fields: readonly string[]) => {
    const out: (number | undefined)[] = [];
    for (let i = 0; i < fields.length; i += chunk) {
      const values = await redis.hmget(key, ...fields.slice(i, i + chunk));
      out.push(...values.map((v) => (v === null ? undefined : Number(v))));
    }
    return out;
  };
  const raiseOne = coalesce<readonly [string, number], void>(async (entries) => {
    await raise(entries);
    return [];
  }, chunk);
  return {
    raise,
    raiseOne: (field, value) => raiseOne([field, value]),
    getMany,
    get: coalesce(getMany, chunk),
    async remove(field) {
      await redis.hdel(key, field);
    },
    size() {
      return redis.hlen(key);
    },
  };
}
