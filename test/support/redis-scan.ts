/** Reads every key and value of a Redis database and reports the keys whose content holds `needle`. */
import type { Redis } from 'ioredis';

export async function scanRedisFor(
  redis: Redis,
  needle: string,
): Promise<{ scanned: number; matches: string[] }> {
  const matches: string[] = [];
  let scanned = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      scanned += 1;
      const type = await redis.type(key);
      let content: unknown;
      if (type === 'string') content = await redis.getBuffer(key);
      else if (type === 'hash') content = await redis.hgetall(key);
      else if (type === 'list') content = await redis.lrange(key, 0, -1);
      else if (type === 'set') content = await redis.smembers(key);
      else if (type === 'zset') content = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'stream') content = await redis.xrange(key, '-', '+');
      const text = Buffer.isBuffer(content) ? content.toString('latin1') : JSON.stringify(content);
      if (key.includes(needle) || (text ?? '').includes(needle)) matches.push(key);
    }
  } while (cursor !== '0');
  return { scanned, matches };
}
