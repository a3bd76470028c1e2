/**
 * One scan's registry entries of one record type, newest per soul, outside the process: a
 * type's index or buckets are handed in pages and read back in pages, so discovery's memory
 * stays at one page whatever the registry holds. "Newest wins" across pages (a soul in several
 * v2 buckets and the legacy index) is decided in Redis, by the same rule as `newerEntry` in
 * @sync/gun-client: the greater timestamp (an entry without one loses), ties by the larger
 * node id. The key expires on its own should the process die mid-scan.
 */
import type { Redis } from 'ioredis';

/** One registry entry (structurally `IndexEntry` of @sync/gun-client). */
export interface SpilledEntry {
  recordType: string;
  soul: string;
  nodeId: string | null;
  timestamp: number | null;
}

export interface EntrySpill {
  /** Keeps each entry unless the soul already has a newer one. */
  add(entries: readonly SpilledEntry[]): Promise<void>;
  /** Distinct souls kept. */
  count(): Promise<number>;
  /** Every kept entry, `size` (about) at a time; each soul once. */
  pages(size: number): AsyncIterable<SpilledEntry[]>;
  /** Removes the spill. */
  clear(): Promise<void>;
}

/** Long enough for the slowest scan; a dead process's spill goes by itself. */
export const spillTtlSeconds = 6 * 3600;

// Value: "<timestamp or empty>\n<nodeId or empty>". Lua compares node ids bytewise, as JS
// does for the ASCII node ids OIP writes.
const keepNewestScript = `
local kept = 0
for i = 1, #ARGV - 1, 2 do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  local replace = not cur
  if cur then
    local ct, cn = string.match(cur, '^([^\\n]*)\\n(.*)$')
    local nt, nn = string.match(ARGV[i + 1], '^([^\\n]*)\\n(.*)$')
    local ctn, ntn = tonumber(ct), tonumber(nt)
    if ntn ~= ctn then
      replace = (ctn == nil) or (ntn ~= nil and ntn > ctn)
    else
      replace = nn > cn
    end
  end
  if replace then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    kept = kept + 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[#ARGV])
return kept
`;

const chunk = 500;

const encode = (entry: SpilledEntry) => `${entry.timestamp ?? ''}\n${entry.nodeId ?? ''}`;

function decode(recordType: string, soul: string, value: string): SpilledEntry {
  const cut = value.indexOf('\n');
  const timestamp = cut > 0 ? Number(value.slice(0, cut)) : NaN;
  const nodeId = value.slice(cut + 1);
  return {
    recordType,
    soul,
    nodeId: nodeId === '' ? null : nodeId,
    timestamp: Number.isFinite(timestamp) ? timestamp : null,
  };
}

export function createEntrySpill(redis: Redis, key: string, recordType: string): EntrySpill {
  return {
    async add(entries) {
      for (let i = 0; i < entries.length; i += chunk) {
        const args = entries.slice(i, i + chunk).flatMap((e) => [e.soul, encode(e)]);
        await redis.eval(keepNewestScript, 1, key, ...args, String(spillTtlSeconds));
      }
    },
    count: () => redis.hlen(key),
    async *pages(size) {
      let cursor = '0';
      do {
        const [next, flat] = await redis.hscan(key, cursor, 'COUNT', size);
        cursor = next;
        const page: SpilledEntry[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2)
          page.push(decode(recordType, flat[i] as string, flat[i + 1] as string));
        if (page.length > 0) yield page;
      } while (cursor !== '0');
    },
    async clear() {
      await redis.del(key);
    },
  };
}
